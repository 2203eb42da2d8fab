"""bench/e2e_measure.py: what bench/e2e measures while an MTA delivers (from /proc and the sink).

descendants() walks the process tree in /proc. ProcessUsage sums CPU time and memory over a set of
processes (volleyd alone, or a Postfix master, its children and the OpenDKIM milter). RunSampler
is a thread that every 100 ms records (t, delivered at the sink) and the processes' CPU and RSS;
every second their PSS. MachineShare tells how much CPU other work on the machine took meanwhile.
ProgressBar draws `[####....] 12345/200000` on stderr. openssl_sign_rate runs `openssl speed`
for the DKIM ceiling.

CPU: the sum over the processes of utime + stime + cutime + cstime (/proc/PID/stat fields 14-17),
so a child that exited and was reaped still counts (in its parent's cutime/cstime). Memory: the
largest sum of VmRSS seen in one sample (and of Pss from smaps_rollup: shared library pages
counted once, fairer for many small processes); one process's own VmHWM is exact.
Must never: write anything, signal any process, or sample without a bound in time.
"""
import os
import subprocess
import sys
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(roots):
    """PIDs of `roots` and of all their live descendants (one scan of /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid for pid in roots if pid and os.path.exists(f"/proc/{pid}")]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(pid):
    """utime + stime + cutime + cstime of pid in clock ticks, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(value) for value in fields[11:15])


def machine_busy():
    """(busy CPU seconds of all cores from /proc/stat's cpu line, monotonic time): everything that
    ran on the machine, to show how much besides the MTA under test did."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS, time.monotonic()


class MachineShare:
    """How busy the whole machine was while an MTA ran, and how much of that was neither the MTA
    nor this bench (its sinks and injectors): other people's work, which skews every figure."""

    def __init__(self, mta_pids):
        # The bench itself, its children (sinks, injectors, volleyd, opendkim) and reaped ones.
        own = lambda: descendants([os.getpid()])  # noqa: E731
        self.accounted = ProcessUsage(lambda: sorted(set(own() + mta_pids())))
        self.start = (machine_busy(), self.accounted.snapshot()["cpu_s"])

    def percentages(self):
        """{"machine_busy_pct", "others_pct"}: % of all cores since construction."""
        (busy0, t0), accounted0 = self.start
        busy1, t1 = machine_busy()
        accounted1 = self.accounted.snapshot()["cpu_s"]
        scale = 100 / ((t1 - t0) * os.cpu_count()) if t1 > t0 else 0
        return {"machine_busy_pct": round((busy1 - busy0) * scale, 1),
                "others_pct": round(max(0.0, (busy1 - busy0) - (accounted1 - accounted0)) * scale,
                                    1)}


def status_kib(pid, key):
    """A "Key:  N kB" line of /proc/PID/status (VmRSS, VmHWM) or of smaps_rollup (Pss)."""
    path = f"/proc/{pid}/smaps_rollup" if key == "Pss" else f"/proc/{pid}/status"
    try:
        with open(path) as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class ProcessUsage:
    """CPU seconds and memory of the processes that pids() returns at each call."""

    def __init__(self, pids):
        self.pids = pids  # a callable: the live PIDs to sum over right now

    def snapshot(self):
        pids = self.pids()
        return {"cpu_s": sum(cpu_ticks(pid) for pid in pids) / CLOCK_TICKS,
                "rss_kib": sum(status_kib(pid, "VmRSS") for pid in pids),
                "processes": len(pids)}

    def pss_kib(self):
        return sum(status_kib(pid, "Pss") for pid in self.pids())


class RunSampler(threading.Thread):
    """Samples delivered(), CPU and memory every `interval` s until stop() (or `limit` s pass)."""

    def __init__(self, delivered, usage, interval=0.1, limit=3600):
        super().__init__(daemon=True)
        self.delivered, self.usage = delivered, usage
        self.interval, self.limit = interval, limit
        self.samples = []  # (t since start, delivered)
        self.peak_rss_kib = self.peak_pss_kib = self.peak_processes = 0
        self.start_time = None
        self.halt = threading.Event()
        self.failure = None

    def start(self):
        self.start_time = time.monotonic()
        super().start()

    def run(self):
        next_pss = 0.0
        try:
            while not self.halt.is_set() and time.monotonic() - self.start_time < self.limit:
                now = time.monotonic()
                self.samples.append((now - self.start_time, self.delivered()))
                usage = self.usage.snapshot()
                self.peak_rss_kib = max(self.peak_rss_kib, usage["rss_kib"])
                self.peak_processes = max(self.peak_processes, usage["processes"])
                if now >= next_pss:
                    self.peak_pss_kib = max(self.peak_pss_kib, self.usage.pss_kib())
                    next_pss = now + 1.0
                self.halt.wait(max(0.0, self.interval - (time.monotonic() - now)))
        except Exception as error:  # reported by the caller; the thread must not die silently
            self.failure = error

    def latest(self):
        return self.samples[-1][1] if self.samples else 0

    def stop(self):
        self.halt.set()
        if self.is_alive():
            self.join(timeout=10)

    def delivery_window(self, total):
        """(first, last delivery time, estimated): each is the middle between the last sample
        before it and the first after it (a sample shows 0 delivered / all `total` delivered);
        None when no sample shows it."""
        def middle(index):
            return self.samples[index][0] if index == 0 else \
                (self.samples[index - 1][0] + self.samples[index][0]) / 2
        first = next((i for i, (_, n) in enumerate(self.samples) if n > 0), None)
        last = next((i for i, (_, n) in enumerate(self.samples) if n >= total), None)
        return (None if first is None else middle(first)), (None if last is None else middle(last))


class ProgressBar:
    """`[####....] done/total label` on stderr: redrawn in place on a terminal, else every 5 s."""

    def __init__(self, total, label, enabled=True, width=30):
        self.total, self.label, self.enabled, self.width = total, label, enabled, width
        self.tty = sys.stderr.isatty()
        self.last_draw = 0.0

    def update(self, done, note=""):
        now = time.monotonic()
        if not self.enabled or now - self.last_draw < (0.2 if self.tty else 5.0):
            return
        self.last_draw = now
        filled = int(self.width * min(done, self.total) / max(1, self.total))
        bar = "#" * filled + "." * (self.width - filled)
        line = f"[{bar}] {done}/{self.total} {self.label} {note}"
        print(("\r" + line.ljust(100)) if self.tty else line, end="" if self.tty else "\n",
              file=sys.stderr, flush=True)

    def finish(self):
        if self.enabled and self.tty:
            print(file=sys.stderr)


def openssl_sign_rate(algorithm, seconds=3, processes=2):
    """Signatures per second of `openssl speed -seconds S -multi P rsa2048|ed25519` (last line)."""
    argv = ["openssl", "speed", "-seconds", str(seconds), "-multi", str(processes), algorithm]
    answer = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=seconds * 10 + 60, check=True)
    lines = [line for line in answer.stdout.splitlines() if line.strip()]
    return float(lines[-1].split()[-2])  # "... sign verify sign/s verify/s"
