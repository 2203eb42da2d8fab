"""bench/e2e_peers.py: the processes of the end-to-end benchmarks, reusable on their own.

ManagedProcess (Popen with a bounded SIGTERM-then-SIGKILL stop), SmtpSink (Postfix smtp-sink with
-c counters), VolleySink (volley-sink with --stats), Volleyd (volleyd with a generated config in
its own dir; CPU time and peak RSS from /proc) and ControlClient (HTTP over volleyd's Unix socket).
Used by bench/e2e_delivery; meant for the Volley-vs-Postfix run against the same sink as well.
Only ever binds or connects to 127.0.0.1 and Unix sockets in the caller's dirs; never waits
without a deadline; stdlib only.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_listens(port):
    """True when /proc/net/tcp has a LISTEN socket on 127.0.0.1:port (no connection is made)."""
    wanted = "0100007F:%04X" % port
    with open("/proc/net/tcp") as table:
        return any(f[1] == wanted and f[3] == "0A" for f in (l.split() for l in table) if len(f) > 3)


def wait_until(predicate, timeout, what, process=None, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"{what}: not within {timeout} s")


class ManagedProcess:
    """A child started with Popen; stop() sends SIGTERM, waits `grace` seconds, then SIGKILLs."""

    def __init__(self, name, argv, cwd, stdout_path, stderr_path):
        self.name = name
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            self.popen = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=err)
        self.stderr_path = stderr_path

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def stop(self, grace=15.0):
        if self.popen.poll() is not None:
            return self.popen.returncode
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait(timeout=10)

    def errors(self):
        with open(self.stderr_path, "rb") as err:
            return err.read().decode("utf-8", "replace")[-4000:]


class SmtpSink:
    """Postfix smtp-sink on 127.0.0.1:port with -c counters (stdout file); counts messages."""

    name = "smtp-sink"

    def __init__(self, work_dir, max_connections=1000):
        self.work_dir = work_dir
        self.max_connections = max_connections
        self.process = None
        self.port = None
        self.counter_path = os.path.join(work_dir, "smtp-sink.counters")

    def start(self):
        for _ in range(5):
            port = free_loopback_port()
            argv = ["/usr/sbin/smtp-sink", "-c", "-4", "-h", "sink.bench.test",
                    "-m", str(self.max_connections)]
            if os.geteuid() == 0:
                argv += ["-u", "nobody"]  # smtp-sink refuses to run as root
            argv += [f"127.0.0.1:{port}", "4096"]
            self.process = ManagedProcess(self.name, argv, self.work_dir, self.counter_path,
                                          os.path.join(self.work_dir, "smtp-sink.err"))
            try:
                wait_until(lambda p=port: port_listens(p), 10, "smtp-sink listening",
                           self.process.popen)
                self.port = port
                return self
            except RuntimeError:
                if self.process.alive():
                    raise
        raise RuntimeError("smtp-sink could not start: " + self.process.errors())

    def messages(self):
        """The mesg= value of the last complete counter record ("sess=N quit=N mesg=N\\r")."""
        try:
            with open(self.counter_path, "rb") as counters:
                counters.seek(max(0, os.path.getsize(self.counter_path) - 256))
                records = counters.read().decode("ascii", "replace").split("\r")[:-1]
        except OSError:
            return 0
        for record in reversed(records):
            fields = dict(f.split("=", 1) for f in record.split() if "=" in f)
            if "mesg" in fields:
                return int(fields["mesg"])
        return 0

    def summary(self):
        return {"sink": self.name, "sink_messages": self.messages()}

    def stop(self):
        return self.process.stop() if self.process else None


class VolleySink:
    """Volley's volley-sink on 127.0.0.1 (port chosen by the sink) with a --stats JSON file."""

    name = "volley-sink"

    def __init__(self, work_dir, bin_dir, extra_args=()):
        self.work_dir = work_dir
        self.binary = os.path.join(bin_dir, "volley-sink")
        self.extra_args = list(extra_args)
        self.stats_path = os.path.join(work_dir, "volley-sink.stats.json")
        self.out_path = os.path.join(work_dir, "volley-sink.out")
        self.process = None
        self.port = None

    def start(self):
        argv = [self.binary, "--listen", "127.0.0.1:0", "--stats", self.stats_path] + self.extra_args
        self.process = ManagedProcess(self.name, argv, self.work_dir, self.out_path,
                                      os.path.join(self.work_dir, "volley-sink.err"))

        def first_line():
            with open(self.out_path) as out:
                line = out.readline()
            return line if line.endswith("\n") else None

        wait_until(lambda: first_line() is not None, 10, "volley-sink start", self.process.popen)
        line = first_line()
        if not line.startswith("listening on 127.0.0.1:"):
            raise RuntimeError("volley-sink printed " + line)
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def stats(self):
        try:
            with open(self.stats_path) as stats:
                return json.load(stats)
        except (OSError, ValueError):
            return {}

    def messages(self):
        return int(self.stats().get("messages", 0))

    def summary(self):
        stats = self.stats()
        return {"sink": self.name, "sink_messages": int(stats.get("messages", 0)),
                "sink_recipients": int(stats.get("recipients_accepted", 0)),
                "sink_connections": int(stats.get("connections", 0))}

    def stop(self):
        return self.process.stop() if self.process else None


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a Unix stream socket (volleyd's control.socket)."""

    def __init__(self, path, timeout=600):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class ControlClient:
    def __init__(self, socket_path):
        self.socket_path = socket_path

    def request(self, method, path, body=None, content_type="application/json", timeout=600):
        connection = UnixHTTPConnection(self.socket_path, timeout=timeout)
        try:
            headers = {"Content-Type": content_type} if body is not None else {}
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            try:
                return answer.status, json.loads(text) if text else {}
            except ValueError:
                return answer.status, {"text": text}
        finally:
            connection.close()


class Volleyd:
    """volleyd with a generated config in its own work dir; CPU and RSS read from /proc."""

    def __init__(self, work_dir, bin_dir, durable=True, delivery=None, routes=None, extra_toml=""):
        self.work_dir = work_dir
        self.extra_toml = extra_toml  # more TOML tables after [routes], e.g. [dkim."bench.test"]
        self.binary = os.path.join(bin_dir, "volleyd")
        self.durable = durable
        self.delivery = dict(delivery or {})
        self.routes = dict(routes or {})
        self.config_path = os.path.join(work_dir, "volleyd.toml")
        self.socket_path = os.path.join(work_dir, "run", "volley.sock")
        self.log_path = os.path.join(work_dir, "volleyd.log")
        self.process = None
        self.client = ControlClient(self.socket_path)

    def write_config(self):
        lines = ["[spool]", 'path = "spool"', 'initial_size = "256MiB"', 'max_size = "32GiB"',
                 f"durable = {'true' if self.durable else 'false'}",
                 "[control]", f'listen = "127.0.0.1:{free_loopback_port()}"',
                 'socket = "run/volley.sock"', 'token_file = "control.token"',
                 'max_request_size = "1GiB"',
                 "[log]", 'level = "info"', 'file = "volleyd.log"',
                 "[delivery]"]
        lines += [f"{key} = {value}" for key, value in self.delivery.items()]
        lines.append("[routes]")
        lines += [f"{json.dumps(pattern)} = {json.dumps(target)}"
                  for pattern, target in self.routes.items()]
        if self.extra_toml:
            lines.append(self.extra_toml)
        with open(self.config_path, "w") as config:
            config.write("\n".join(lines) + "\n")

    def start(self):
        self.write_config()
        self.process = ManagedProcess("volleyd", [self.binary, "--config", self.config_path],
                                      self.work_dir, os.path.join(self.work_dir, "volleyd.out"),
                                      os.path.join(self.work_dir, "volleyd.err"))

        def healthy():
            if not os.path.exists(self.socket_path):
                return False
            try:
                return self.client.request("GET", "/healthz", timeout=5)[0] == 200
            except OSError:
                return False

        try:
            wait_until(healthy, 30, "volleyd /healthz", self.process.popen, interval=0.05)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{self.process.errors()}\n{self.log_tail()}") from None
        return self

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

    def cpu_seconds(self):
        """utime + stime of volleyd (fields 14 and 15 of /proc/PID/stat) in seconds."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def peak_rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        return self.process.stop(grace=30) if self.process else None
