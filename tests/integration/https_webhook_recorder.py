#!/usr/bin/python3
# A loopback HTTPS endpoint playing the CRM for the events webhook tests: answers every POST with
# 200 and appends {"target", "headers", "body"} as one JSON line to the record file. Prints
# "listening on PORT" first. Never listens on anything but 127.0.0.1.
import http.server
import json
import ssl
import sys

cert, key, record = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        headers = {name.lower(): value for name, value in self.headers.items()}
        with open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps({"target": self.path, "headers": headers, "body": body}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("listening on %d" % server.server_address[1], flush=True)
server.serve_forever()
