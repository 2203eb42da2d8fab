#!/usr/bin/python3
"""aiosmtpd recorder: a scriptable SMTP server for Volley's tests (tests/support/aiosmtpd_server.*).

Listens on 127.0.0.1:PORT (--port 0 = a free one), prints "listening on 127.0.0.1:PORT" as its
first stdout line, and appends one JSON line per completed DATA transaction to --record FILE:
  {"n", "peer", "ehlo", "esmtp", "mail_from", "mail_options", "rcpts", "rcpt_options",
   "body_8bitmime", "smtputf8", "tls", "size", "data", "reply"}
"data" is the message as received (dot-unstuffed, CRLF kept) decoded as UTF-8 with invalid bytes
replaced; "reply" is the final reply code sent (250, or the code of a --reject-data rule).
Reply rules (repeatable; SUBSTRING is matched case-insensitively; the first matching rule wins):
  --reject-mail SUBSTRING=CODE   reply CODE to MAIL FROM when the sender contains SUBSTRING
  --reject-rcpt SUBSTRING=CODE   reply CODE to RCPT TO when the recipient contains SUBSTRING
  --reject-data SUBSTRING=CODE   reply CODE after DATA when any accepted recipient contains it
CODE is a 4xx/5xx code, optionally followed by text: "user=550 5.1.1 no such user".
--tls-cert/--tls-key offer STARTTLS. SIGTERM/SIGINT: stop and exit 0.
Never listens on anything but 127.0.0.1; never relays or stores anything but the record file.
"""
import argparse
import asyncio
import json
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP


def parse_rule(text):
    """'SUBSTRING=CODE[ TEXT]' -> (substring, reply line). SUBSTRING may itself hold '=' (VERP)."""
    match = re.fullmatch(r"(.+)=([45][0-9][0-9])( .*)?", text, re.DOTALL)
    if not match:
        raise argparse.ArgumentTypeError(f"rule '{text}' is not SUBSTRING=4xx|5xx[ TEXT]")
    substring, code, reply_text = match.group(1), match.group(2), match.group(3)
    if not reply_text:
        reply_text = " 5.0.0 rejected by rule" if code[0] == "5" else " 4.0.0 deferred by rule"
    return substring.lower(), code + reply_text


def parse_args(argv):
    parser = argparse.ArgumentParser(description="aiosmtpd recorder for Volley tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", required=True, help="JSON-lines file to append to")
    parser.add_argument("--hostname", default="aiosmtpd.test")
    parser.add_argument("--reject-mail", type=parse_rule, action="append", default=[])
    parser.add_argument("--reject-rcpt", type=parse_rule, action="append", default=[])
    parser.add_argument("--reject-data", type=parse_rule, action="append", default=[])
    parser.add_argument("--no-smtputf8", action="store_true", help="do not offer SMTPUTF8")
    parser.add_argument("--data-size-limit", type=int, default=32 * 1024 * 1024)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    return parser.parse_args(argv)


def first_match(rules, texts):
    for substring, reply in rules:
        if any(substring in text.lower() for text in texts):
            return reply
    return None


class RecordingHandler:
    """aiosmtpd hooks: applies the reply rules and writes one record per DATA transaction."""

    def __init__(self, args, record_file):
        self.args = args
        self.record_file = record_file
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = first_match(self.args.reject_mail, [address])
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = first_match(self.args.reject_rcpt, [address])
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = first_match(self.args.reject_data, envelope.rcpt_tos) or "250 2.0.0 OK recorded"
        self.count += 1
        content = envelope.original_content or b""
        record = {
            "n": self.count,
            "peer": list(session.peer) if session.peer else None,
            "ehlo": session.host_name,
            "esmtp": bool(session.extended_smtp),
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpts": envelope.rcpt_tos,
            "rcpt_options": envelope.rcpt_options,
            "body_8bitmime": "BODY=8BITMIME" in envelope.mail_options,
            "smtputf8": bool(envelope.smtp_utf8),
            "tls": session.ssl is not None,
            "size": len(content),
            "data": content.decode("utf-8", errors="replace"),
            "reply": int(reply[:3]),
        }
        self.record_file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.record_file.flush()
        return reply


def tls_context(args):
    if not args.tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    return context


async def serve(args, record_file):
    loop = asyncio.get_running_loop()
    handler = RecordingHandler(args, record_file)
    context = tls_context(args)

    def make_protocol():
        return SMTP(handler, hostname=args.hostname, ident="volley-aiosmtpd-recorder",
                    enable_SMTPUTF8=not args.no_smtputf8, decode_data=False,
                    data_size_limit=args.data_size_limit, tls_context=context, timeout=60,
                    loop=loop)

    server = await loop.create_server(make_protocol, host="127.0.0.1", port=args.port)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stopped = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    server.close()
    await asyncio.wait_for(server.wait_closed(), timeout=5)
    print(f"stopped after {handler.count} messages", flush=True)


def main(argv):
    args = parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        print("aiosmtpd_recorder: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    with open(args.record, "a", encoding="utf-8") as record_file:
        asyncio.run(serve(args, record_file))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
