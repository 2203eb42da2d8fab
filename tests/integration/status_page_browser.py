#!/usr/bin/env python3
"""Drives headless Chromium against volleyd's status page over the DevTools protocol (CDP).

Used by tests/integration/status_page_test.cpp; needs Debian's chromium and python3-websocket
(websocket-client), nothing else (no Node, no Playwright). Steps, each with a deadline:

  1. open BASE/?refresh=MS and find the login form (a form posting to /login with a token field);
  2. type the token (read from --token-file) into the field and click "Sign in";
  3. land on the status page and find the campaign's row with a progress between 0 and 100 %;
  4. without reloading, wait until its delivered count and progress grow (the page polls);
  5. check a site row (containing --expect-site), the throughput chart with bars, and (with
     --expect-bounce) a bounce row containing that text;
  6. save a full-page PNG screenshot to --screenshot;
  7. sign out and check that the login form is back and /v1/status answers 401.

Fails (exit 1, reason on stderr) on any JavaScript exception, console error or Content-Security-
Policy violation. Prints one JSON object with what it saw on stdout. Chromium gets a private
profile, listens for DevTools on 127.0.0.1 only and cannot resolve any host name (only loopback
is ever reached); it is killed (its own process group) and the profile removed at the end.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import websocket  # python3-websocket (websocket-client)
except ImportError:
    sys.stderr.write("python3-websocket is not installed: apt-get install python3-websocket "
                     "(it is in scripts/packages.txt)\n")
    sys.exit(2)


class Failure(Exception):
    pass


CHROMIUM_FLAGS = [
    "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1280,1000",
]

# Collects CSP violations in the page (installed before any page script runs).
CSP_WATCH = ("window.__cspViolations = [];"
             "document.addEventListener('securitypolicyviolation', e => "
             "window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")


class Browser:
    """One headless Chromium with one page, driven over a CDP websocket."""

    def __init__(self, chromium, log_path, deadline):
        self.profile = tempfile.mkdtemp(prefix="volley-chromium-")
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, "--user-data-dir=" + self.profile,
                                      "about:blank"], stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.next_id = 0
        self.events = []
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        while not os.path.exists(port_file) or len(open(port_file).read().split()) < 2:
            if self.proc.poll() is not None:
                raise Failure("chromium exited with %d before opening DevTools; see %s"
                              % (self.proc.returncode, log_path))
            if time.monotonic() > deadline:
                raise Failure("chromium did not open DevTools in time; see " + log_path)
            time.sleep(0.1)
        port, path = open(port_file).read().split()[:2]
        self.ws = websocket.create_connection("ws://127.0.0.1:%s%s" % (port, path), timeout=60,
                                              suppress_origin=True)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.page(domain)
        self.page("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            answer = json.loads(self.ws.recv())
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise Failure("CDP %s failed: %s" % (method, answer["error"]))
                return answer.get("result", {})
            if "method" in answer and len(self.events) < 1000:
                self.events.append(answer)

    def page(self, method, params=None):
        return self.call(method, params, self.session)

    def evaluate(self, expression):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise Failure("page script failed: %s\n%s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout):
        until = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except Failure:
                value = None  # navigating: the context is being replaced
            if value:
                return value
            if time.monotonic() > until:
                raise Failure("timed out after %d s waiting for %s; the page shows:\n%s"
                              % (timeout, what, self.text()))
            time.sleep(0.1)

    def text(self):
        try:
            return (self.evaluate("document.body ? document.body.innerText : ''") or "")[:3000]
        except Failure as e:
            return "(unreadable: %s)" % e

    def click(self, selector):
        rect = self.evaluate("(() => { const r = document.querySelector(%s)"
                             ".getBoundingClientRect(); return [r.x + r.width / 2, "
                             "r.y + r.height / 2]; })()" % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", {"type": kind, "x": rect[0], "y": rect[1],
                                                   "button": "left", "clickCount": 1})

    def screenshot(self, path):
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)") or 1000
        self.page("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": min(height, 4000),
                                                          "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.3)  # let the chart redraw for the new size
        data = self.page("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))
        self.page("Emulation.clearDeviceMetricsOverride")

    def problems(self):
        """JavaScript exceptions, console errors and CSP violations seen so far."""
        found = []
        for event in self.events:
            if event["method"] == "Runtime.exceptionThrown":
                details = event["params"]["exceptionDetails"]
                found.append("exception: %s (%s:%s)" % (
                    details.get("exception", {}).get("description", details.get("text")),
                    details.get("url", ""), details.get("lineNumber", "?")))
            elif event["method"] == "Log.entryAdded" and event["params"]["entry"]["level"] == "error":
                entry = event["params"]["entry"]
                found.append("console: %s %s" % (entry.get("text"), entry.get("url", "")))
            elif (event["method"] == "Runtime.consoleAPICalled"
                  and event["params"]["type"] == "error"):
                found.append("console.error: %s" % event["params"]["args"])
        try:
            found += ["CSP violation: " + v for v in self.evaluate("window.__cspViolations || []")]
        except Failure:
            pass
        return found

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own child's process group
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# Reads the campaign's row: progress (aria-valuenow), counts, the marker that proves no reload.
ROW_STATE = """(() => {
  const row = document.querySelector('tr[data-campaign=' + JSON.stringify(%s) + ']');
  if (!row) return null;
  const bar = row.querySelector('[role=progressbar]');
  const number = i => parseInt(row.cells[i].textContent.replace(/,/g, ''), 10);
  return { progress: parseFloat(bar.getAttribute('aria-valuenow')), total: number(3),
           delivered: number(6), bounced: number(8), id: row.querySelector('.ident').textContent,
           state: row.cells[1].textContent, marker: window.__volleyMarker || null };
})()"""


def run(args, browser, seen):
    base = args.base_url.rstrip("/")
    browser.page("Page.navigate", {"url": base + "/?refresh=%d" % args.refresh})
    browser.wait_for("document.readyState === 'complete' && !!document.querySelector("
                     "'form[action^=\"/login\"] input[name=token][type=password]')",
                     "the login form", args.timeout)
    seen["login_form"] = True
    seen["login_mentions_token_file"] = "control.token_file" in browser.text()
    if not seen["login_mentions_token_file"]:
        raise Failure("the login page does not say where the token is:\n" + browser.text())

    token = open(args.token_file).read().strip()
    browser.evaluate("document.getElementById('token').focus()")
    browser.page("Input.insertText", {"text": token})
    browser.click("#sign-in")
    browser.wait_for("location.pathname === '/' && !!document.getElementById('campaigns') || "
                     "!!document.querySelector('.login-message')", "the page after sign-in",
                     args.timeout)
    message = browser.evaluate("(document.querySelector('.login-message') || {}).textContent")
    if message:
        raise Failure("sign-in refused: " + message)
    seen["signed_in"] = True
    seen["refresh_kept"] = browser.evaluate("location.search") == "?refresh=%d" % args.refresh

    campaign = json.dumps(args.campaign)
    first = browser.wait_for("(() => { const s = %s; return s && s.progress > 0 && s; })()"
                             % (ROW_STATE % campaign),
                             "campaign %s with progress > 0" % args.campaign, args.timeout)
    seen["first"] = first
    if not 0 < first["progress"] < 100:
        raise Failure("campaign %s shows progress %s%%: want it between 0 and 100 (still "
                      "running)" % (args.campaign, first["progress"]))
    browser.evaluate("window.__volleyMarker = 'same-document'")
    later = browser.wait_for("(() => { const s = %s; return s && s.delivered > %d && "
                             "s.progress > %s && s; })()"
                             % (ROW_STATE % campaign, first["delivered"], first["progress"]),
                             "campaign %s's delivered count and progress to grow" % args.campaign,
                             args.timeout)
    seen["later"] = later
    if later["marker"] != "same-document":
        raise Failure("the page reloaded instead of updating in place")

    seen["site"] = browser.wait_for(
        "Array.from(document.querySelectorAll('#sites tbody tr')).map(r => r.cells[0].textContent)"
        ".find(t => t.includes(%s))" % json.dumps(args.expect_site),
        "a site row containing " + args.expect_site, args.timeout)
    seen["chart_bars"] = browser.wait_for(
        "document.querySelectorAll('#throughput-chart svg rect.bar-delivered').length",
        "delivered bars in the throughput chart", args.timeout)
    if args.expect_bounce:
        seen["bounce"] = browser.wait_for(
            "Array.from(document.querySelectorAll('#bounces tbody tr')).map(r => r.textContent)"
            ".find(t => t.includes(%s))" % json.dumps(args.expect_bounce),
            "a bounce row containing " + args.expect_bounce, args.timeout)
    seen["daemon_state"] = browser.evaluate("document.getElementById('daemon-state').textContent")

    browser.screenshot(args.screenshot)
    seen["screenshot"] = args.screenshot
    # Checked before signing out: the 401 that proves the sign-out is logged as a console error.
    seen["problems"] = browser.problems()

    browser.click("form[action='/logout'] button")
    browser.wait_for("!!document.querySelector('form[action^=\"/login\"] input[name=token]')",
                     "the login form after signing out", args.timeout)
    status = browser.evaluate("fetch('/v1/status').then(r => r.status)")
    if status != 401:
        raise Failure("after signing out GET /v1/status answered %s, want 401" % status)
    seen["signed_out"] = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--base-url", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--campaign", required=True)
    parser.add_argument("--expect-site", required=True)
    parser.add_argument("--expect-bounce", default="")
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--refresh", type=int, default=500)
    parser.add_argument("--timeout", type=int, default=60, help="seconds per step")
    parser.add_argument("--chromium-log", default=os.devnull)
    args = parser.parse_args()
    if not args.base_url.startswith(("http://127.0.0.1:", "http://[::1]:", "http://localhost:")):
        sys.stderr.write("only loopback URLs: " + args.base_url + "\n")
        return 2
    if not os.access(args.chromium, os.X_OK):
        sys.stderr.write("chromium not found at %s: apt-get install chromium (it is in "
                         "scripts/packages.txt)\n" % args.chromium)
        return 2

    seen = {}
    browser = None
    try:
        browser = Browser(args.chromium, args.chromium_log, time.monotonic() + args.timeout)
        run(args, browser, seen)
        problems = seen["problems"]
        if problems:
            raise Failure("the page reported errors:\n  " + "\n  ".join(problems))
        print(json.dumps(seen))
        return 0
    except (Failure, OSError, websocket.WebSocketException) as e:
        if browser and "screenshot" not in seen:
            try:
                browser.screenshot(args.screenshot + ".failure.png")
                e = "%s\n(screenshot of the failure: %s.failure.png)" % (e, args.screenshot)
            except Exception:
                pass
        sys.stderr.write("status page check failed: %s\n" % e)
        print(json.dumps(seen))
        return 1
    finally:
        if browser:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
