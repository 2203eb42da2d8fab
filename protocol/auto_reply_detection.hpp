// Auto-reply detection (RFC 3834 and the common non-standard marks): Auto-Submitted:
// auto-replied, X-Autoreply / X-Autorespond, Precedence: auto_reply, Microsoft's
// X-Auto-Response-Suppress together with an "Automatic reply" subject, and vacation /
// out-of-office subjects. Pure. Must never call a delivery failure report an auto-reply: the
// caller asks only after the message was found not to be a bounce, and a message that looks like
// one (from the mailer daemon, a failure subject) is never an auto-reply here.
#pragma once

#include "protocol/bounce_mime_entity.hpp"

namespace volley::protocol::bounce {

bool is_auto_reply(const MimeEntity& message);

// True when the header of the message says it comes from the mail system and reports a delivery
// problem (sender mailer-daemon/postmaster, a failure subject, X-Failed-Recipients, ...).
bool looks_like_delivery_report(const MimeEntity& message);

} // namespace volley::protocol::bounce
