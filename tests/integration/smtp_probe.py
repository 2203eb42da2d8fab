#!/usr/bin/python3
"""SMTP probe for the volley-sink integration tests.

Runs one scripted smtplib conversation against 127.0.0.1:PORT (greeting, EHLO, optional STARTTLS,
then N transactions of MAIL/RCPT.../DATA/body) and prints what the client saw as one JSON object:
{"steps": [{"step": "connect", "code": 220, "text": "...", "ms": 3}, ...], "features": {...},
 "tls": bool}. A step that raised has "error": "<exception class>" and ends the conversation.
Only ever connects to 127.0.0.1; every socket operation has a timeout. Never verifies the
certificate (the sink's is self-signed).
"""
import argparse
import json
import re
import smtplib
import ssl
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--sender", default="sender@example.test")
    parser.add_argument("--rcpt", action="append", default=[])
    parser.add_argument("--messages", type=int, default=1)
    parser.add_argument("--body", default="Subject: probe\r\n\r\nhello\r\n.dot line\r\n")
    parser.add_argument("--timeout", type=float, default=20.0)
    return parser.parse_args()


class Probe:
    def __init__(self, args):
        self.args = args
        self.steps = []
        self.tls_active = False
        self.features = {}
        self.client = smtplib.SMTP(timeout=args.timeout)

    def step(self, name, action):
        """Runs action() -> (code, text); records it; returns the code or None after an error."""
        started = time.monotonic()
        entry = {"step": name}
        try:
            code, text = action()
            entry["code"] = code
            entry["text"] = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        except smtplib.SMTPConnectError as error:
            entry["code"] = error.smtp_code
            entry["error"] = type(error).__name__
        except (smtplib.SMTPException, OSError, ValueError) as error:
            entry["error"] = type(error).__name__
        entry["ms"] = round((time.monotonic() - started) * 1000)
        self.steps.append(entry)
        return None if "error" in entry else entry["code"]

    def send_body(self):
        body = self.args.body
        if not body.endswith("\r\n"):
            body += "\r\n"
        stuffed = re.sub(r"(?m)^\.", "..", body)
        self.client.send(stuffed.encode("utf-8") + b".\r\n")
        return self.client.getreply()

    def transaction(self):
        client = self.client
        if self.step("mail", lambda: client.mail(self.args.sender)) is None:
            return False
        accepted = 0
        for rcpt in self.args.rcpt:
            code = self.step("rcpt", lambda r=rcpt: client.rcpt(r))
            if code is None:
                return False
            accepted += code == 250
        if accepted == 0:
            return self.step("rset", client.rset) is not None
        code = self.step("data", lambda: client.docmd("DATA"))
        if code is None:
            return False
        if code != 354:
            return self.step("rset", client.rset) is not None
        return self.step("dot", self.send_body) is not None

    def run(self):
        client = self.client
        code = self.step("connect", lambda: client.connect("127.0.0.1", self.args.port))
        if code != 220:
            return
        if self.step("ehlo", lambda: client.ehlo("probe.test")) is None:
            return
        if self.args.starttls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            client._host = "localhost"  # SNI name; smtplib only sets it when connecting in __init__
            if self.step("starttls", lambda: client.starttls(context=context)) != 220:
                return
            self.tls_active = isinstance(client.sock, ssl.SSLSocket)
            if self.step("ehlo", lambda: client.ehlo("probe.test")) is None:
                return
        self.features = dict(client.esmtp_features)
        for _ in range(self.args.messages):
            if not self.transaction():
                return
        self.step("quit", client.quit)

    def report(self):
        return {"steps": self.steps, "features": self.features, "tls": self.tls_active}


def main():
    probe = Probe(parse_args())
    try:
        probe.run()
    finally:
        result = probe.report()
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
