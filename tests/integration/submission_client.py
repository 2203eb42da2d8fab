#!/usr/bin/python3
"""SMTP submission client for volleyd's submission integration tests: a CRM as Python's smtplib.

Runs a JSON list of actions against 127.0.0.1:PORT, e.g.
  [["ehlo"], ["starttls"], ["ehlo"], ["login", "crm", "secret"],
   ["mail", "news@example.org"], ["rcpt", "a@x.test"], ["data", "/tmp/message.eml"], ["quit"]]
and prints what the client saw as one JSON object: {"steps": [{"step": "ehlo", "code": 250,
"text": "...", "features": ["auth", ...]}, ...], "tls": bool}. Actions: ehlo, starttls, login
(smtplib's own mechanism choice), auth_plain / auth_login (that mechanism), mail, rcpt, data (a
file, sent with smtplib's dot-stuffing), quit. A step that raised without an SMTP code has
"error": "<exception class>" and ends the run. Only ever connects to 127.0.0.1; every socket
operation has a timeout; never verifies the certificate (the tests' is self-signed).
"""
import base64
import json
import smtplib
import ssl
import sys


def run_action(client, action, state):
    name = action[0]
    if name == "ehlo":
        code, text = client.ehlo("crm.test")
        return code, text, {"features": sorted(client.esmtp_features)}
    if name == "starttls":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client._host = "localhost"  # SNI name; smtplib only sets it when connecting in __init__
        code, text = client.starttls(context=context)
        state["tls"] = isinstance(client.sock, ssl.SSLSocket)
        return code, text, {}
    if name == "login":
        code, text = client.login(action[1], action[2])
        return code, text, {}
    if name == "auth_plain":
        response = base64.b64encode(("\0" + action[1] + "\0" + action[2]).encode()).decode()
        code, text = client.docmd("AUTH", "PLAIN " + response)
        return code, text, {}
    if name == "auth_login":
        client.user, client.password = action[1], action[2]
        code, text = client.auth("LOGIN", client.auth_login, initial_response_ok=False)
        return code, text, {}
    if name == "mail":
        code, text = client.mail(action[1])
        return code, text, {}
    if name == "rcpt":
        code, text = client.rcpt(action[1])
        return code, text, {}
    if name == "data":
        with open(action[1], "rb") as message:
            code, text = client.data(message.read())
        return code, text, {}
    if name == "quit":
        code, text = client.quit()
        return code, text, {}
    raise ValueError("unknown action " + name)


def main():
    port = int(sys.argv[1])
    actions = json.loads(sys.argv[2])
    state = {"tls": False}
    steps = []
    client = smtplib.SMTP(timeout=20)
    try:
        code, text = client.connect("127.0.0.1", port)
        steps.append({"step": "connect", "code": code, "text": text.decode("utf-8", "replace")})
        for action in actions:
            entry = {"step": action[0]}
            steps.append(entry)
            try:
                code, text, extra = run_action(client, action, state)
                entry["code"] = code
                entry["text"] = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
                entry.update(extra)
            except smtplib.SMTPResponseException as error:  # 4xx/5xx answers, e.g. 535, 530
                entry["code"] = error.smtp_code
                message = error.smtp_error
                entry["text"] = message.decode("utf-8", "replace") if isinstance(message, bytes) \
                    else str(message)
            except smtplib.SMTPRecipientsRefused as error:
                entry["code"] = list(error.recipients.values())[0][0]
            except (smtplib.SMTPException, OSError, ValueError) as error:
                entry["error"] = type(error).__name__
                entry["text"] = str(error)
                break
    finally:
        json.dump({"steps": steps, "tls": state["tls"]}, sys.stdout)
        sys.stdout.write("\n")
        try:
            client.close()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
