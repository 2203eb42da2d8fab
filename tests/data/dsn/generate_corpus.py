#!/usr/bin/env python3
"""Writes Volley's own bounce corpus: messages/*.eml and expected.jsonl (one row per recipient).

The messages follow the STRUCTURE of real MTAs' reports (RFC 3464 reports as Postfix and Sendmail
write them, Exim, qmail, Exchange / Office 365, Gmail, Yahoo, Domino, Courier texts, ARF
complaints, RFC 3834 auto-replies, Amazon SES notifications) in our own words, with .test /
.example domains and 127.x addresses only. Deterministic: re-running rewrites the same files.
Never copies any third-party sample. Run from anywhere: python3 tests/data/dsn/generate_corpus.py
"""
import json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "messages")
rng = random.Random(20240611)

# (diagnostic text, status written by the server or "", reply code or 0, reason, hard)
HARD = [
    ("550 5.1.1 <{r}>: Recipient address rejected: User unknown in local recipient table", "5.1.1", 550, "user_unknown"),
    ("550 5.1.1 The email account that you tried to reach does not exist. Please check the spelling", "5.1.1", 550, "user_unknown"),
    ("550 5.1.1 <{r}>... User unknown", "5.1.1", 550, "user_unknown"),
    ("550 No such user here", "", 550, "user_unknown"),
    ("550 5.1.1 Mailbox does not exist", "5.1.1", 550, "user_unknown"),
    ("550 Requested action not taken: mailbox unavailable", "", 550, "user_unknown"),
    ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "5.1.1", 550, "user_unknown"),
    ("550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", "5.4.1", 550, "user_unknown"),
    ("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "5.1.10", 550, "user_unknown"),
    ("550 Invalid recipient <{r}>", "", 550, "user_unknown"),
    ("550 5.1.1 unknown or illegal alias: {r}", "5.1.1", 550, "user_unknown"),
    ("553 5.1.1 sorry, no mailbox here by that name", "5.1.1", 553, "user_unknown"),
    ("550 5.1.2 Host or domain name not found. Name service error for type=MX: Host not found", "5.1.2", 550, "host_unknown"),
    ("550 Unrouteable address", "", 550, "host_unknown"),
    ("551 5.1.6 Recipient has moved; try the new address", "5.1.6", 551, "has_moved"),
    ("556 5.1.10 Recipient address has null MX", "5.1.10", 556, "not_accepting"),
    ("550 5.1.1 Address rejected: no such recipient", "5.1.1", 550, "user_unknown"),
    ("550 Unknown local part {l} in <{r}>", "", 550, "user_unknown"),
]
SOFT = [
    ("552 5.2.2 Mailbox full", "5.2.2", 552, "mailbox_full"),
    ("452 4.2.2 The email account that you tried to reach is over quota", "4.2.2", 452, "mailbox_full"),
    ("550 5.2.2 <{r}>: user is over quota", "5.2.2", 550, "mailbox_full"),
    ("552 Requested mail action aborted: exceeded storage allocation", "", 552, "mailbox_full"),
    ("550 5.2.1 The email account that you tried to reach is disabled", "5.2.1", 550, "suspended"),
    ("550 5.2.1 Mailbox disabled for this recipient", "5.2.1", 550, "suspended"),
    ("552 5.3.4 Message size exceeds fixed limit", "5.3.4", 552, "message_too_large"),
    ("552 5.2.3 Message exceeds maximum size allowed by this server", "5.2.3", 552, "message_too_large"),
    ("550 5.7.1 Message rejected as spam by Content Filtering", "5.7.1", 550, "spam"),
    ("554 5.7.1 Your message looks like unsolicited bulk mail", "5.7.1", 554, "spam"),
    ("554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using zen.rbl.example", "5.7.1", 554, "blocked"),
    ("550 5.7.1 Mail from 127.0.0.9 refused: poor sender reputation", "5.7.1", 550, "blocked"),
    ("554 Your IP address is listed on a DNS blocklist", "", 554, "blocked"),
    ("550 5.7.26 This message does not pass authentication checks (SPF and DKIM both do not pass)", "5.7.26", 550, "security"),
    ("550 5.7.23 Message rejected: SPF validation failed for the sender domain", "5.7.23", 550, "security"),
    ("550 5.7.509 Access denied, sending domain does not pass DMARC verification", "5.7.509", 550, "security"),
    ("550 5.7.1 Message rejected due to local content policy", "5.7.1", 550, "policy"),
    ("554 5.7.0 Rejected: message contains a virus (Test-Signature)", "5.7.0", 554, "policy"),
    ("421 4.7.0 Too many connections from your host, slow down", "4.7.0", 421, "rate_limited"),
    ("450 4.7.1 Sending rate limit exceeded for this sender, try again later", "4.7.1", 450, "rate_limited"),
    ("451 4.3.0 Temporary system error, please retry", "4.3.0", 451, "system"),
    ("554 5.3.0 Internal error in the mail store", "5.3.0", 554, "system"),
    ("554 5.7.1 <{r}>: Relay access denied", "5.7.1", 554, "rejected"),
    ("550 5.7.1 <bounce@mail.example>: Sender address rejected: Domain not found", "5.7.1", 550, "rejected"),
    ("554 5.4.6 Hop count exceeded - possible mail loop", "5.4.6", 554, "network"),
    ("451 4.4.1 Connection timed out while talking to the remote host", "4.4.1", 451, "network"),
]

def pick(pool):
    return pool[rng.randrange(len(pool))]

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda"]
DOMAINS = ["dest.example", "mx-land.test", "corp.example", "mailhost.test", "isp.example",
           "campus.test", "shop.example", "news.test"]

def rcpt(i, n=0):
    return f"{USERS[(i * 7 + n * 3) % len(USERS)]}{i % 13}@{DOMAINS[(i + n) % len(DOMAINS)]}"

def sender(i):
    return f"bounces-c{i}r{i * 31 % 997}@mail.sender.example"

def date(i):
    return f"Mon, {1 + i % 27:02d} Jan 2024 1{i % 10}:{i % 60:02d}:0{i % 10} +0000"

def original(i, to, boundary_free=True):
    return (f"Return-Path: <{sender(i)}>\nReceived: from app.sender.example (127.0.0.5)\n"
            f"\tby mail.sender.example with ESMTP id Q{i:05d}\nMessage-ID: <msg{i}@sender.example>\n"
            f"From: News <news@sender.example>\nTo: {to}\nSubject: Weekly letter {i}\nDate: {date(i)}\n"
            f"MIME-Version: 1.0\nContent-Type: text/plain\n\nHello, this is letter {i}.\n")

def fill(diag, r):
    return diag[0].replace("{r}", r).replace("{l}", r.split("@")[0])

messages = []   # (name, text, rows)

def add(name, text, rows, type_):
    for row in rows:
        row["type"] = type_
    messages.append((name, text, rows))

def row(r, d, status=None):
    st = d[1] if status is None else status
    return {"recipient": r, "status": st, "code": d[2], "reason": d[3], "hard": d in HARD and (d[1] or "5").startswith("5") and (d[2] == 0 or d[2] >= 500),
            "kind": "hard" if d in HARD else "soft"}

def dsn_message(i, recips, mta, text_part, extra_fields="", diag_field=True, postfix=True, action="failed"):
    b = f"{i:04X}.{1700000000 + i}/{mta}"
    groups = []
    for r, d in recips:
        status = d[1] or ("5.0.0" if d[2] >= 500 or d[2] == 0 else "4.0.0")
        g = f"Final-Recipient: rfc822; {r}\nOriginal-Recipient: rfc822;{r}\nAction: {action}\nStatus: {status}\nRemote-MTA: dns; mx.{r.split('@')[1]}\n"
        if diag_field:
            g += f"Diagnostic-Code: smtp; {fill(d, r)}\n"
        groups.append(g)
    head = (f"Return-Path: <>\nX-Original-To: {sender(i)}\nDelivered-To: {sender(i)}\n"
            f"Date: {date(i)}\nFrom: MAILER-DAEMON@{mta} (Mail Delivery System)\n"
            f"Subject: Undelivered Mail Returned to Sender\nTo: {sender(i)}\nAuto-Submitted: auto-replied\n"
            f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\"\n"
            f"Message-Id: <dsn{i}@{mta}>\n\nThis is a MIME-encapsulated message.\n\n")
    per_msg = f"Reporting-MTA: dns; {mta}\n" + (f"X-Postfix-Queue-ID: Q{i}\nX-Postfix-Sender: rfc822; {sender(i)}\n" if postfix else "") + f"Arrival-Date: {date(i)}\n{extra_fields}"
    body = (f"--{b}\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n{text_part}\n"
            f"--{b}\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n{per_msg}\n" + "\n".join(groups) +
            f"\n--{b}\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n" +
            original(i, ", ".join(r for r, _ in recips)).split("\n\n")[0] + f"\n\n--{b}--\n")
    return head + body

def postfix_text(mta, recips):
    lines = [f"This is the mail system at host {mta}.", "",
             "I'm sorry to have to inform you that your message could not",
             "be delivered to one or more recipients. It's attached below.", "",
             "For further assistance, please send mail to postmaster.", "",
             "                   The mail system", ""]
    for r, d in recips:
        lines.append(f"<{r}>: host mx.{r.split('@')[1]}[127.0.0.{2 + len(r) % 200}] said: {fill(d, r)} (in reply to RCPT TO command)")
        lines.append("")
    return "\n".join(lines)

IMPLIED = {"user_unknown": "911", "host_unknown": "912", "has_moved": "916", "not_accepting": "932",
           "mailbox_full": "922", "suspended": "921", "message_too_large": "934", "blocked": "971",
           "policy": "910", "spam": "980", "security": "970", "expired": "947", "network": "944",
           "system": "930", "rejected": "918", "rate_limited": "945", "undefined": "900"}

def expect(r, d, status=None, temporary=False):
    """Row for a failed recipient: status as the message states it, else the implied X.0.9NN."""
    st = d[1] if status is None else status
    permanent = not temporary and not st.startswith("4") and not (d[2] and d[2] < 500)
    if not st:
        st = ("5.0." if permanent else "4.0.") + IMPLIED[d[3]]
    hard = d in HARD and permanent
    return {"recipient": r, "status": st, "code": d[2], "reason": d[3], "hard": hard,
            "kind": "hard" if hard else "soft"}

def mixed(i, n):
    """n (address, diagnostic) pairs, alternating hard and soft causes."""
    out = []
    for k in range(n):
        d = HARD[(i + k) % len(HARD)] if (i + k) % 2 == 0 else SOFT[(i * 3 + k) % len(SOFT)]
        out.append((rcpt(i, k), d))
    return out

# ---- RFC 3464 reports (Postfix shape) -------------------------------------------------------
def gen_rfc3464():
    for i in range(34):
        n = 1 if i < 24 else (2 if i < 30 else 3)
        recips = mixed(i, n)
        mta = f"mta{i % 4}.sender.example"
        text = dsn_message(i, recips, mta, postfix_text(mta, recips))
        rows = [expect(r, d, d[1] or ("5.0.0" if d[2] >= 500 else "4.0.0")) for r, d in recips]
        for row_ in rows:
            if row_["status"].endswith(".0.0") and row_["status"][0] == "4":
                row_["hard"], row_["kind"] = False, "soft"
        add(f"rfc3464-{i:02d}.eml", text, rows, "dsn")
    # missing Diagnostic-Code: the reason is only in the human-readable part
    for i in range(34, 40):
        d = [HARD[0], SOFT[0], HARD[12], SOFT[4], HARD[3], SOFT[6]][i - 34]
        r = rcpt(i)
        note = f"Delivery to the following recipient failed permanently:\n\n     {r}\n\nReason: {fill(d, r)}\n"
        text = dsn_message(i, [(r, d)], "relay.sender.example", note, diag_field=False, postfix=False)
        add(f"rfc3464-nodiag-{i:02d}.eml", text, [expect(r, d, d[1] or "5.0.0")], "dsn")
    # delayed only: never a failure
    for i in range(40, 45):
        r = rcpt(i)
        d = ("451 4.4.1 Connection timed out", "4.4.1", 451, "delayed")
        note = (f"This is the mail system at host relay.sender.example.\n\n####### THIS IS A WARNING ONLY. "
                f"YOU DO NOT NEED TO RESEND YOUR MESSAGE. #######\n\nYour message could not be delivered for "
                f"{i - 36} hours.\nIt will be retried until it is 5 days old.\n\n<{r}>: connect to mx: Connection timed out\n")
        text = dsn_message(i, [(r, d)], "relay.sender.example", note, action="delayed")
        text = text.replace("Subject: Undelivered Mail Returned to Sender", "Subject: Delayed Mail (still being retried)")
        add(f"rfc3464-delayed-{i:02d}.eml", text, [{"recipient": r, "status": "4.4.1", "code": 451,
            "reason": "delayed", "hard": False, "kind": "soft"}], "dsn")
    # relayed / expanded groups are not failures; the failed one is reported
    for i in range(45, 49):
        ok, bad = rcpt(i, 0), rcpt(i, 1)
        d = HARD[i % 6]
        text = dsn_message(i, [(bad, d)], "gw.sender.example", postfix_text("gw.sender.example", [(bad, d)]))
        extra = f"Final-Recipient: rfc822; {ok}\nAction: {'relayed' if i % 2 else 'expanded'}\nStatus: 2.0.0\nRemote-MTA: dns; legacy.test\n\n"
        text = text.replace("Final-Recipient: rfc822; " + bad, extra + "Final-Recipient: rfc822; " + bad, 1)
        add(f"rfc3464-relayed-{i:02d}.eml", text, [expect(bad, d, d[1] or "5.0.0")], "dsn")

# ---- Sendmail ------------------------------------------------------------------------------
def gen_sendmail():
    for i in range(12):
        r = rcpt(100 + i)
        d = HARD[i % 9] if i % 3 != 2 else SOFT[(i * 5) % len(SOFT)]
        host = f"mx.{r.split('@')[1]}"
        reply = fill(d, r)
        note = (f"The original message was received at {date(i)}\nfrom app.sender.example [127.0.0.5]\n\n"
                f"   ----- The following addresses had permanent fatal errors -----\n<{r}>\n"
                f"    (reason: {reply})\n\n   ----- Transcript of session follows -----\n"
                f"... while talking to {host}.:\n>>> RCPT To:<{r}>\n<<< {reply}\n"
                f"{d[2] or 550} {d[1] or '5.0.0'} <{r}>... {reply.split(' ', 2)[-1]}\n")
        text = dsn_message(100 + i, [(r, d)], "smtp.sender.example", note, postfix=False)
        text = text.replace("Subject: Undelivered Mail Returned to Sender", "Subject: Returned mail: see transcript for details")
        add(f"sendmail-{i:02d}.eml", text, [expect(r, d, d[1] or "5.0.0")], "dsn")

def plain_bounce(i, frm, subject, body, extra_headers=""):
    return (f"Return-Path: <>\nDelivered-To: {sender(i)}\nDate: {date(i)}\nFrom: {frm}\nTo: {sender(i)}\n"
            f"Subject: {subject}\nMessage-ID: <nb{i}@bounce.example>\n{extra_headers}"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n{body}")

# ---- Exim ----------------------------------------------------------------------------------
def gen_exim():
    for i in range(16):
        n = 1 if i < 13 else 2
        recips = mixed(200 + i, n)
        parts = []
        for r, d in recips:
            host = f"mx{i % 3}.{r.split('@')[1]}"
            if d is HARD[13]:  # routing failure: no remote host
                parts.append(f"  {r}\n    Unrouteable address")
            else:
                parts.append(f"  {r}\n    SMTP error from remote mail server after RCPT TO:<{r}>:\n"
                             f"    host {host} [127.0.1.{i}]: {fill(d, r)}")
        body = ("This message was created automatically by mail delivery software.\n\n"
                "A message that you sent could not be delivered to one or more of its\n"
                "recipients. This is a permanent error. The following address(es) failed:\n\n"
                + "\n\n".join(parts) + "\n\n------ This is a copy of the message, including all the headers. ------\n\n"
                + original(200 + i, ", ".join(r for r, _ in recips)))
        text = plain_bounce(200 + i, "Mail Delivery System <Mailer-Daemon@exim.sender.example>",
                            "Mail delivery failed: returning message to sender", body,
                            "X-Failed-Recipients: " + ", ".join(r for r, _ in recips) + "\nAuto-Submitted: auto-replied\n")
        add(f"exim-{i:02d}.eml", text, [expect(r, d) for r, d in recips], "non_standard")
    # retry timeout: a temporary cause that was retried until it expired
    for i in range(16, 19):
        r = rcpt(200 + i)
        body = ("This message was created automatically by mail delivery software.\n\n"
                "A message that you sent could not be delivered to one or more of its\n"
                "recipients. This is a permanent error. The following address(es) failed:\n\n"
                f"  {r}\n    retry timeout exceeded\n\n------ This is a copy of the message, including all the headers. ------\n\n"
                + original(200 + i, r))
        text = plain_bounce(200 + i, "Mail Delivery System <Mailer-Daemon@exim.sender.example>",
                            "Mail delivery failed: returning message to sender", body, f"X-Failed-Recipients: {r}\n")
        add(f"exim-expired-{i:02d}.eml", text, [{"recipient": r, "status": "4.0.947", "code": 0,
            "reason": "expired", "hard": False, "kind": "soft"}], "non_standard")

# ---- qmail ---------------------------------------------------------------------------------
def gen_qmail():
    for i in range(12):
        n = 1 if i < 10 else 2
        recips = mixed(300 + i, n)
        parts, fixed = [], []
        for r, d in recips:
            if d[3] == "host_unknown":  # qmail's own DNS failure wording, no remote reply
                d = ("Sorry, I couldn't find any host named that. (#5.1.2)", "5.1.2", 0, "host_unknown")
                parts.append(f"<{r}>:\n{d[0]}")
            else:
                parts.append(f"<{r}>:\n127.0.2.{i} does not like recipient.\nRemote host said: {fill(d, r)}\nGiving up on 127.0.2.{i}.")
            fixed.append((r, d))
        recips = fixed
        body = (f"Hi. This is the qmail-send program at qm.sender.example.\n"
                "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
                + "\n\n".join(parts) + "\n\n--- Below this line is a copy of the message.\n\n"
                + original(300 + i, ", ".join(r for r, _ in recips)))
        text = plain_bounce(300 + i, "MAILER-DAEMON@qm.sender.example", "failure notice", body)
        rows = []
        for r, d in recips:
            e = expect(r, d)
            if d[3] == "host_unknown" and d[2] == 0:
                e["hard"], e["kind"] = True, "hard"
            rows.append(e)
        add(f"qmail-{i:02d}.eml", text, rows, "non_standard")

# ---- Exchange / Office 365 -----------------------------------------------------------------
def gen_exchange():
    for i in range(12):
        r = rcpt(400 + i)
        d = [HARD[6], HARD[7], HARD[8], SOFT[2], HARD[0], SOFT[13], SOFT[15], HARD[6], SOFT[10], HARD[11], SOFT[0], SOFT[16]][i]
        b = f"NDR{i:04d}=_boundary"
        human = {"user_unknown": "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.",
                 "mailbox_full": "The recipient's mailbox is full and can't accept messages now.",
                 }.get(d[3], "Your message wasn't delivered because the recipient's email provider rejected it.")
        body_text = (f"Delivery has failed to these recipients or groups:\n\n{r} ({r})\n{human}\n\n\n\n\n"
                     f"Diagnostic information for administrators:\n\nGenerating server: EX{i}.corp.example\n\n"
                     f"{r}\nRemote Server returned '{fill(d, r)}'\n\nOriginal message headers:\n\n"
                     f"Received: from app.sender.example (127.0.0.5) by EX{i}.corp.example\nMessage-ID: <msg{400 + i}@sender.example>\n")
        group = (f"Final-Recipient: rfc822;{r}\nAction: failed\nStatus: {d[1] or '5.0.0'}\n"
                 f"Diagnostic-Code: smtp;{fill(d, r)}\n")
        text = (f"Return-Path: <>\nFrom: Microsoft Outlook <postmaster@corp.example>\nTo: <{sender(400 + i)}>\n"
                f"Date: {date(i)}\nSubject: Undeliverable: Weekly letter {i}\nMessage-ID: <ndr{i}@corp.example>\n"
                f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"{b}\"\n"
                f"X-MS-Exchange-Message-Is-Ndr:\n\n--{b}\nContent-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                + body_text.replace("=", "=3D") + f"\n--{b}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;EX{i}.corp.example\n"
                f"Received-From-MTA: dns;app.sender.example\nArrival-Date: {date(i)}\n\n{group}\n--{b}\nContent-Type: message/rfc822\n\n"
                + original(400 + i, r) + f"\n--{b}--\n")
        if i >= 9:  # older Exchange: text only, no delivery-status part
            text = plain_bounce(400 + i, "System Administrator <postmaster@corp.example>",
                                f"Undeliverable: Weekly letter {i}",
                                f"Your message did not reach some or all of the intended recipients.\n\n"
                                f"      Subject:  Weekly letter {i}\n      Sent:     {date(i)}\n\n"
                                f"The following recipient(s) cannot be reached:\n\n      {r} on {date(i)}\n"
                                f"            {fill(d, r)}\n")
            add(f"exchange-{i:02d}.eml", text, [expect(r, d)], "non_standard")
            continue
        add(f"exchange-{i:02d}.eml", text, [expect(r, d, d[1] or "5.0.0")], "dsn")

# ---- Gmail ---------------------------------------------------------------------------------
def gen_gmail():
    for i in range(10):
        r = rcpt(500 + i)
        d = [HARD[1], HARD[0], SOFT[1], SOFT[4], HARD[12], SOFT[8], HARD[3], SOFT[13], HARD[5], SOFT[19]][i]
        b = f"000000000000gm{i:04d}"
        if d[3] == "user_unknown":
            title, line = "Address not found", f"Your message wasn't delivered to {r} because the address couldn't be found, or is unable to receive mail."
        elif d[3] == "host_unknown":
            title, line = "Address not found", f"Your message wasn't delivered to {r} because the domain {r.split('@')[1]} couldn't be found. Check for typos or unnecessary spaces and try again."
        else:
            title, line = "Message not delivered", f"There was a problem delivering your message to {r}. See the technical details below."
        human = (f"\n** {title} **\n\n{line}\n\nThe response from the remote server was:\n{fill(d, r)}\n")
        text = (f"Return-Path: <>\nDelivered-To: {sender(500 + i)}\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.example>\n"
                f"To: {sender(500 + i)}\nAuto-Submitted: auto-replied\nSubject: Delivery Status Notification (Failure)\n"
                f"Date: {date(i)}\nX-Failed-Recipients: {r}\nMessage-ID: <gm{i}@mx.google.example>\nMIME-Version: 1.0\n"
                f"Content-Type: multipart/report; boundary=\"{b}\"; report-type=delivery-status\n\n"
                f"--{b}\nContent-Type: multipart/related; boundary=\"{b}rel\"\n\n--{b}rel\nContent-Type: multipart/alternative; boundary=\"{b}alt\"\n\n"
                f"--{b}alt\nContent-Type: text/plain; charset=\"UTF-8\"\n{human}\n--{b}alt\nContent-Type: text/html; charset=\"UTF-8\"\n\n"
                f"<html><body><h2>{title}</h2><p>{line}</p></body></html>\n--{b}alt--\n--{b}rel--\n"
                f"--{b}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.example\nArrival-Date: {date(i)}\n\n"
                f"Final-Recipient: rfc822; {r}\nAction: failed\nStatus: {d[1] or '5.0.0'}\nRemote-MTA: dns; mx.{r.split('@')[1]}. (127.0.3.{i}, the server for the domain.)\n"
                f"Diagnostic-Code: smtp; {fill(d, r)}\nLast-Attempt-Date: {date(i)}\n\n--{b}\nContent-Type: message/rfc822\n\n"
                + original(500 + i, r) + f"\n--{b}--\n")
        add(f"gmail-{i:02d}.eml", text, [expect(r, d, d[1] or "5.0.0")], "dsn")

# ---- Yahoo ---------------------------------------------------------------------------------
def gen_yahoo():
    for i in range(8):
        r = rcpt(600 + i)
        d = [HARD[2], SOFT[0], HARD[9], SOFT[12], HARD[4], SOFT[18], HARD[15], SOFT[9]][i]
        body = ("Sorry, we were unable to deliver your message to the following address.\n\n"
                f"<{r}>:\nRemote host said: {fill(d, r)} [RCPT_TO]\n\n--- Below this line is a copy of the message.\n\n"
                + original(600 + i, r))
        text = plain_bounce(600 + i, "MAILER-DAEMON@yahoo.example", "Failure Notice", body)
        add(f"yahoo-{i:02d}.eml", text, [expect(r, d)], "non_standard")

# ---- Postfix (plain text, no report part) ----------------------------------------------------
def gen_postfix_text():
    for i in range(8):
        recips = mixed(700 + i, 1 if i < 6 else 2)
        body = postfix_text("old.sender.example", recips) + "\n--- Undelivered message headers follow\n\n" + original(700 + i, recips[0][0])
        text = plain_bounce(700 + i, "MAILER-DAEMON@old.sender.example (Mail Delivery System)",
                            "Undelivered Mail Returned to Sender", body)
        add(f"postfix-text-{i:02d}.eml", text, [expect(r, d) for r, d in recips], "non_standard")

# ---- Domino / Courier ------------------------------------------------------------------------
def gen_domino_courier():
    domino = [("User {l} ({r}) not listed in Domino Directory", "", 0, "user_unknown"),
              ("Unable to deliver: the recipient's mailbox is full", "", 0, "mailbox_full"),
              ("Recipient's Domino Directory entry does not specify a valid Notes mail file", "", 0, "system"),
              ("No route found to domain {d} from server MAIL01/Corp", "", 0, "host_unknown"),
              ("User {l} ({r}) not listed in public Name & Address Book", "", 0, "user_unknown")]
    for i, d0 in enumerate(domino):
        r = rcpt(800 + i)
        d = (d0[0].replace("{d}", r.split("@")[1]),) + d0[1:]
        body = (f"Your message\n\n  Subject: Weekly letter {i}\n\nwas not delivered to:\n\n  {r}\n\nbecause:\n\n  {fill(d, r)}\n")
        text = plain_bounce(800 + i, "Postmaster <postmaster@notes.example>", f"DELIVERY FAILURE: {fill(d, r)[:40]}", body)
        add(f"domino-{i:02d}.eml", text, [{**expect(r, d), "hard": d[3] in ("user_unknown", "host_unknown"),
                                            "kind": "hard" if d[3] in ("user_unknown", "host_unknown") else "soft"}], "non_standard")
    courier = [HARD[2], SOFT[0], HARD[12], SOFT[10], HARD[9], SOFT[20]]
    for i, d in enumerate(courier):
        r = rcpt(850 + i)
        body = ("This is a delivery status notification from courier.sender.example,\nrunning the Courier mail server.\n\n"
                "The original message was received on " + date(i) + "\nfrom app.sender.example [127.0.0.5]\n\n"
                "---------------------------------------------------------------------------\n\n"
                "                           UNDELIVERABLE MAIL\n\n"
                "Your message to the following recipients cannot be delivered:\n\n"
                f"<{r}>:\n    mx.{r.split('@')[1]} [127.0.4.{i}]:\n>>> RCPT TO:<{r}>\n<<< {fill(d, r)}\n\n"
                "---------------------------------------------------------------------------\n\n"
                "If your message was also sent to additional recipients, their delivery\nstatus is not included in this report.\n")
        text = plain_bounce(850 + i, "Courier mail server at courier.sender.example <@>", "NOTICE: mail delivery status.", body)
        add(f"courier-{i:02d}.eml", text, [expect(r, d)], "non_standard")

# ---- ARF complaints (RFC 5965) -----------------------------------------------------------------
def gen_arf():
    kinds = ["abuse", "abuse", "fraud", "abuse", "auth-failure", "virus", "abuse", "other", "abuse", "not-spam"]
    for i, kind in enumerate(kinds):
        n = 1 if i < 7 else 3
        rs = [rcpt(900 + i, k) for k in range(n)]
        b = f"arf{i:04d}boundary"
        fields = (f"Feedback-Type: {kind}\nUser-Agent: ExampleFBL/1.{i}\nVersion: 1\n"
                  f"Original-Mail-From: <{sender(900 + i)}>\n" + "".join(f"Original-Rcpt-To: <{r}>\n" for r in rs) +
                  f"Arrival-Date: {date(i)}\nReporting-MTA: dns; fbl.isp.example\nSource-IP: 127.0.0.{10 + i}\n")
        if i == 6:  # some providers redact Original-Rcpt-To; the recipient is the original's To
            fields = fields.replace(f"Original-Rcpt-To: <{rs[0]}>\n", "")
        text = (f"Return-Path: <fbl@isp.example>\nFrom: Feedback Loop <fbl@isp.example>\nTo: abuse@sender.example\n"
                f"Subject: Abuse report for a message from 127.0.0.{10 + i}\nDate: {date(i)}\nMessage-ID: <arf{i}@isp.example>\n"
                f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report;\n\tboundary=\"{b}\"\n\n"
                f"--{b}\nContent-Type: text/plain; charset=\"US-ASCII\"\n\nThis is an email abuse report for an email message received from IP 127.0.0.{10 + i}.\n"
                f"--{b}\nContent-Type: message/feedback-report\n\n{fields}\n--{b}\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n"
                + original(900 + i, ", ".join(rs)) + f"\n--{b}--\n")
        add(f"arf-{i:02d}.eml", text, [{"recipient": r, "status": "", "code": 0, "reason": "feedback",
                                        "hard": False, "kind": "complaint"} for r in rs], "arf")

# ---- Auto-replies (RFC 3834 and common marks) ---------------------------------------------------
def gen_auto_replies():
    variants = [
        ("Auto-Submitted: auto-replied\n", "Re: Weekly letter", "I am on vacation until Monday and will read your message when I return."),
        ("Auto-Submitted: auto-replied (vacation)\n", "Away from the office", "I'm away with limited access to e-mail."),
        ("X-Auto-Response-Suppress: All\n", "Automatic reply: Weekly letter", "I am out of the office until the 12th."),
        ("X-Autoreply: yes\n", "Re: Weekly letter", "Thanks for your mail. This is an automated reply."),
        ("Precedence: auto_reply\n", "Autoreply: Weekly letter", "Your message has been received."),
        ("", "Out of Office: Weekly letter", "I am currently out of office with no access to email."),
        ("Auto-Submitted: auto-replied\nPrecedence: bulk\n", "Vacation notice", "On holiday, back on the 3rd."),
        ("X-Autorespond: on\n", "Thank you for your message", "We have received your request and will answer soon."),
        ("", "Auto: Weekly letter", "I'm on annual leave until next week."),
        ("Auto-Submitted: auto-replied\n", "Absence", "Ich bin bis Montag nicht im Buero."),
    ]
    for i, (headers, subject, body) in enumerate(variants):
        who = rcpt(950 + i)
        text = (f"Return-Path: <>\nDelivered-To: {sender(950 + i)}\nFrom: {who.split('@')[0].title()} <{who}>\n"
                f"To: {sender(950 + i)}\nSubject: {subject}\nDate: {date(i)}\nMessage-ID: <ar{i}@{who.split('@')[1]}>\n"
                f"In-Reply-To: <msg{950 + i}@sender.example>\n{headers}MIME-Version: 1.0\nContent-Type: text/plain\n\n{body}\n")
        add(f"autoreply-{i:02d}.eml", text, [{"recipient": who, "status": "", "code": 0, "reason": "vacation",
                                              "hard": False, "kind": "auto_reply"}], "auto_reply")

# ---- Amazon SES notifications ------------------------------------------------------------------
def gen_ses():
    cases = [("Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown", "user_unknown", True),
             ("Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 mailbox full", "mailbox_full", False),
             ("Permanent", "General", "5.7.1", "smtp; 554 5.7.1 blocked using rbl.example", "blocked", False),
             ("Complaint", "abuse", "", "", "feedback", False)]
    for i, (kind, sub, status, diag, reason, hard) in enumerate(cases):
        r = rcpt(980 + i)
        if kind == "Complaint":
            inner = {"notificationType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": r}],
                     "complaintFeedbackType": sub}, "mail": {"source": sender(980 + i), "messageId": f"ses{i}"}}
            row_ = {"recipient": r, "status": "", "code": 0, "reason": "feedback", "hard": False, "kind": "complaint"}
            type_ = "arf"
        else:
            inner = {"notificationType": "Bounce", "bounce": {"bounceType": kind, "bounceSubType": sub,
                     "bouncedRecipients": [{"emailAddress": r, "action": "failed", "status": status, "diagnosticCode": diag}],
                     "reportingMTA": "dsn; ses.example"}, "mail": {"source": sender(980 + i), "messageId": f"ses{i}"}}
            row_ = {"recipient": r, "status": status, "code": int(diag.split()[1]), "reason": reason, "hard": hard,
                    "kind": "hard" if hard else "soft"}
            type_ = "dsn"
        body = json.dumps({"Type": "Notification", "MessageId": f"n{i}", "Message": json.dumps(inner)}) if i % 2 else json.dumps(inner)
        text = (f"From: Notifications <no-reply@sns.example>\nTo: {sender(980 + i)}\nSubject: Notification Message\n"
                f"Date: {date(i)}\nMessage-ID: <sns{i}@sns.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n{body}\n")
        add(f"ses-{i:02d}.eml", text, [row_], type_)

def gen_not_bounce():
    texts = ["Hi, thanks for the newsletter, please call me tomorrow.", "Could you resend the invoice?",
             "Great offer, I will order two."]
    for i, t in enumerate(texts):
        text = (f"From: Reader <reader{i}@isp.example>\nTo: {sender(990 + i)}\nSubject: Re: Weekly letter\n"
                f"Date: {date(i)}\nMessage-ID: <nb{i}@isp.example>\n\n{t}\n")
        add(f"not-bounce-{i:02d}.eml", text, [], "not_bounce")

def main():
    for gen in (gen_rfc3464, gen_sendmail, gen_exim, gen_qmail, gen_exchange, gen_gmail, gen_yahoo,
                gen_postfix_text, gen_domino_courier, gen_arf, gen_auto_replies, gen_ses, gen_not_bounce):
        gen()
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    with open(os.path.join(HERE, "expected.jsonl"), "w") as expected:
        for name, text, rows in messages:
            with open(os.path.join(OUT, name), "w", newline="\r\n" if len(name) % 3 == 0 else "\n") as f:
                f.write(text)
            for index, r in enumerate(rows):
                expected.write(json.dumps({"file": name, "index": index, **r}) + "\n")
            if not rows:
                expected.write(json.dumps({"file": name, "index": 0, "recipient": "", "status": "",
                                           "code": 0, "reason": "", "hard": False, "kind": "none",
                                           "type": "not_bounce"}) + "\n")
    print(f"{len(messages)} messages, {sum(len(r) for _, _, r in messages)} recipient rows")

if __name__ == "__main__":
    main()
