// classify_bounce and implied_status: status codes first where they are decisive, then the
// wording of the reply, the failing SMTP command, temporary codes never hard.
// Pure string tests; never touches files or the network.
#include <gtest/gtest.h>

#include "protocol/bounce_report.hpp"

namespace volley::protocol {
namespace {

struct Case {
  const char* status;
  int code;
  const char* text;
  const char* reason;
  bool hard;
};

TEST(BounceClassifierTest, ClassifiesStatusCodesAndWording) {
  const Case cases[] = {
      {"5.1.1", 550, "5.1.1 <a@b.test>: Recipient address rejected: User unknown", "user_unknown",
       true},
      {"5.1.0", 550, "Address rejected", "user_unknown", true},
      {"5.1.2", 550, "Host or domain name not found", "host_unknown", true},
      {"5.1.6", 551, "User has moved; please try <c@d.test>", "has_moved", true},
      {"5.1.10", 556, "Recipient address has null MX", "not_accepting", true},
      {"5.2.2", 552, "Mailbox full", "mailbox_full", false},
      {"4.2.2", 452, "Mailbox full, try again later", "mailbox_full", false},
      {"5.2.1", 550, "The email account that you tried to reach is disabled", "suspended", false},
      {"5.3.4", 552, "Message size exceeds fixed maximum message size", "message_too_large", false},
      {"5.2.3", 552, "Message too big for system", "message_too_large", false},
      {"5.7.1", 554, "Client host [127.0.0.2] blocked using bl.rbl.test", "blocked", false},
      {"5.7.1", 550, "Message rejected as spam", "spam", false},
      {"5.7.26", 550, "Unauthenticated email is not accepted", "security", false},
      {"5.7.1", 550, "SPF check failed for the sender domain", "security", false},
      {"5.7.1", 550, "DMARC policy of the sender domain is reject", "security", false},
      {"5.7.1", 550, "Rejected by the receiver's content policy", "policy", false},
      {"4.4.7", 0, "Delivery time expired", "expired", false},
      {"5.4.7", 0, "Message expired in queue", "expired", false},
      {"", 550, "550 no such user here", "user_unknown", true},
      {"5.0.0", 550, "mailbox unavailable", "user_unknown", true},
      {"", 550, "Invalid recipient", "user_unknown", true},
      {"", 552, "over quota", "mailbox_full", false},
      {"", 550, "Your IP has a poor reputation", "blocked", false},
      {"", 554, "Relay access denied", "rejected", false},
      {"", 450, "User unknown, try again", "user_unknown", false}, // temporary: never hard
      {"4.1.1", 450, "No such user", "user_unknown", false},
      {"", 421, "Too many connections from your IP", "rate_limited", false},
      {"", 0, "", "undefined", false},
  };
  for (const Case& c : cases) {
    const BounceClassification got = classify_bounce(c.status, c.code, c.text);
    EXPECT_EQ(got.reason, c.reason) << c.status << " " << c.code << " " << c.text;
    EXPECT_EQ(got.hard, c.hard) << c.status << " " << c.code << " " << c.text;
  }
}

TEST(BounceClassifierTest, SpecificWordingBeatsAGenericMailboxStatus) {
  EXPECT_EQ(classify_bounce("5.1.1", 550, "Mailbox full").reason, "mailbox_full");
  EXPECT_FALSE(classify_bounce("5.1.1", 550, "Mailbox full").hard);
  // ...but weak wording ("error") does not override what the status says.
  EXPECT_EQ(classify_bounce("5.1.1", 550, "Error: bad destination").reason, "user_unknown");
}

TEST(BounceClassifierTest, NamesInTheTextDoNotDecide) {
  // "spam" in an address or a host name is not a spam verdict.
  const auto got = classify_bounce("5.1.1", 550, "<nospam@blocked.example.test>: user unknown");
  EXPECT_EQ(got.reason, "user_unknown");
  EXPECT_TRUE(got.hard);
}

TEST(BounceClassifierTest, UserUnknownAfterDataOrMailFromIsNotAnAddressVerdict) {
  EXPECT_FALSE(classify_bounce("", 550,
                               "host mx.test said: 550 User unknown (in reply to end of "
                               "DATA command)")
                   .hard);
  EXPECT_EQ(classify_bounce("5.1.0", 553,
                            "SMTP error after MAIL FROM:<x@y.test>: 553 sender "
                            "domain does not exist")
                .reason,
            "rejected");
  // An explicit x.1.1 keeps its meaning in any phase.
  EXPECT_TRUE(classify_bounce("5.1.1", 550, ">>> DATA <<< 550 5.1.1 User unknown").hard);
}

TEST(BounceClassifierTest, ImpliedStatusUsesTheUnassignedNineHundredRange) {
  EXPECT_EQ(implied_status("user_unknown", true), "5.0.911");
  EXPECT_EQ(implied_status("mailbox_full", false), "4.0.922");
  EXPECT_EQ(implied_status("expired", true), "5.0.947");
  EXPECT_EQ(implied_status("vacation", true), "");
}

} // namespace
} // namespace volley::protocol
