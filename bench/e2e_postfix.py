"""bench/e2e_postfix.py: a private Postfix relay (and OpenDKIM signer) for bench/e2e.

PrivatePostfix writes its own main.cf/master.cf into a temp dir (queue, data and log there too),
starts it with `postfix -c DIR start`, relays everything to [127.0.0.1]:SINKPORT with a durable
queue, and stops it with `postfix -c DIR stop` (then SIGKILLs what is left, by PID). The settings
that make the comparison fair are in MAIN_CF and documented in bench/README.md.
PrivateOpenDkim runs `opendkim -f` in the foreground on a Unix socket in its dir (as Debian ships
it) or on 127.0.0.1:PORT, with a KeyTable and SigningTable for one domain, for smtpd_milters.

Must never: touch /etc/postfix or the system instance (no `postfix` command without `-c DIR`),
bind or relay to anything but 127.0.0.1, or kill a process it did not start.
"""
import os
import pwd
import signal
import subprocess
import time

from e2e_measure import descendants
from e2e_peers import ManagedProcess, free_loopback_port, port_listens, wait_until

POSTFIX = "/usr/sbin/postfix"
OPENDKIM = "/usr/sbin/opendkim"

MAIN_CF = """\
# Private benchmark instance written by bench/e2e_postfix.py; never the system instance.
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
{maillog}myhostname = postfix.bench.test
mydomain = bench.test
myorigin = $myhostname
# Loopback only: smtpd listens on 127.0.0.1:{smtpd_port} (master.cf), everything is relayed to
# the sink. No local delivery, no aliases, no DNS.
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
local_recipient_maps =
local_transport = error:5.1.1 local delivery is disabled in this benchmark instance
alias_maps =
alias_database =
relayhost = [127.0.0.1]:{sink_port}
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions =
biff = no
append_dot_mydomain = no
notify_classes =
# Fairness: the same 20 connections to one destination that Volley's max_connections_per_site
# gives it, and connection reuse for the queued mail to that destination.
default_destination_concurrency_limit = 20
smtp_connection_cache_on_demand = yes
default_process_limit = 100
{milter}"""

# chroot off (the queue dir is a temp dir without a chroot skeleton); only what a relay needs.
MASTER_CF = """\
127.0.0.1:{smtpd_port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
proxywrite unix - - n -  1 proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


class PrivatePostfix:
    """A Postfix instance in work_dir: smtpd on 127.0.0.1:smtpd_port, relayhost = the sink."""

    name = "postfix"

    def __init__(self, work_dir, sink_port, milter=None, maillog=False):
        self.work_dir = work_dir
        # Without maillog_file Postfix logs through syslog(3), and this machine has no syslog
        # daemon: no per-message logging cost (Volley does not log per message either).
        self.maillog = maillog
        self.sink_port = sink_port
        self.milter = milter  # smtpd_milters address: "inet:127.0.0.1:PORT" or "unix:PATH"
        self.smtpd_port = None
        self.master_pid = None
        self.started = False

    def postfix(self, *command, timeout=120):
        return subprocess.run([POSTFIX, "-c", self.work_dir, *command], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)

    def write_config(self):
        for sub in ("queue", "data"):
            os.makedirs(os.path.join(self.work_dir, sub), exist_ok=True)
        postfix_user = pwd.getpwnam("postfix")
        os.chown(os.path.join(self.work_dir, "data"), postfix_user.pw_uid, postfix_user.pw_gid)
        os.chmod(self.work_dir, 0o755)  # the postfix user must reach queue/ and data/ ...
        parent = os.path.dirname(os.path.abspath(self.work_dir))
        while parent != "/":  # ... through every parent directory
            if not os.stat(parent).st_mode & 0o001:
                raise RuntimeError(f"{parent} is not searchable by others (mode o+x): the postfix "
                                   f"user cannot reach {self.work_dir}; chmod o+x it")
            parent = os.path.dirname(parent)
        milter = ""
        if self.milter:
            milter = (f"smtpd_milters = {self.milter}\n"
                      "milter_default_action = tempfail\n")
        maillog = ""
        if self.maillog:
            maillog = (f"maillog_file = {self.work_dir}/maillog\n"
                       f"maillog_file_prefixes = {self.work_dir}\n")
        values = {"dir": self.work_dir, "smtpd_port": self.smtpd_port,
                  "sink_port": self.sink_port, "milter": milter, "maillog": maillog}
        with open(os.path.join(self.work_dir, "main.cf"), "w") as main_cf:
            main_cf.write(MAIN_CF.format(**values))
        with open(os.path.join(self.work_dir, "master.cf"), "w") as master_cf:
            master_cf.write(MASTER_CF.format(**values))

    def start(self):
        if not os.access(POSTFIX, os.X_OK):
            raise RuntimeError(f"{POSTFIX} is missing: install the postfix package (see "
                               "shared/TESTING.md: 'No configuration', system instance not "
                               "started)")
        self.smtpd_port = free_loopback_port()
        self.write_config()
        self.started = True  # from here on stop() has something to clean up
        answer = self.postfix("start")
        if answer.returncode != 0:
            raise RuntimeError(f"postfix -c {self.work_dir} start failed ({answer.returncode}):\n"
                               f"{answer.stdout}{answer.stderr}{self.log_tail()}")
        pid_file = os.path.join(self.work_dir, "queue", "pid", "master.pid")
        wait_until(lambda: os.path.exists(pid_file), 15, "postfix master.pid")
        with open(pid_file) as pid:
            self.master_pid = int(pid.read().split()[0])
        wait_until(lambda: port_listens(self.smtpd_port), 15, "postfix smtpd listening")
        return self

    def pids(self):
        return descendants([self.master_pid])

    def queue_summary(self):
        """The last line of `postqueue -p` for this instance ("Mail queue is empty" or a count)."""
        answer = subprocess.run(["/usr/sbin/postqueue", "-c", self.work_dir, "-p"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=60)
        lines = (answer.stdout + answer.stderr).strip().splitlines()
        return lines[-1] if lines else ""

    def log_tail(self, lines=15):
        if not self.maillog:
            return "(no Postfix log: run again with --postfix-maillog --keep to get one)\n"
        try:
            with open(os.path.join(self.work_dir, "maillog"), errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if not self.started:
            return None
        self.started = False
        leftovers = self.pids() if self.master_pid else []
        try:
            self.postfix("stop", timeout=60)
        except subprocess.SubprocessError:
            pass
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in leftovers):
            time.sleep(0.1)
        for pid in leftovers:  # only the PIDs of this instance's process tree
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return 0


OPENDKIM_CONF = """\
# Private signer written by bench/e2e_postfix.py (never the system opendkim).
Mode                    s
Socket                  {socket}
PidFile                 {dir}/opendkim.pid
KeyTable                file:{dir}/KeyTable
SigningTable            refile:{dir}/SigningTable
InternalHosts           127.0.0.1
Canonicalization        relaxed/relaxed
SignatureAlgorithm      {algorithm}
OversignHeaders         From,Subject,List-Unsubscribe
Syslog                  no
Background              no
AutoRestart             no
UMask                   {umask}
RequireSafeKeys         no
"""


class PrivateOpenDkim:
    """opendkim -f on 127.0.0.1:port signing mail from @domain with key_file (PEM, selector)."""

    name = "opendkim"

    def __init__(self, work_dir, domain, selector, key_file, algorithm, socket_kind="inet"):
        self.work_dir = work_dir
        self.socket_kind = socket_kind  # inet: 127.0.0.1:port; unix: work_dir/opendkim.sock
        self.address = None  # for Postfix's smtpd_milters, once started
        self.domain, self.selector, self.key_file = domain, selector, key_file
        self.algorithm = {"rsa": "rsa-sha256", "ed25519": "ed25519-sha256"}[algorithm]
        self.process = None
        self.port = None

    @staticmethod
    def available():
        return os.access(OPENDKIM, os.X_OK)

    def start(self):
        if self.socket_kind == "unix":  # smtpd (user postfix) must be able to connect
            path = os.path.join(self.work_dir, "opendkim.sock")
            os.chmod(self.work_dir, 0o755)
            socket, umask, self.address = f"local:{path}", "000", f"unix:{path}"
            listening = lambda: os.path.exists(path)  # noqa: E731
        else:
            self.port = free_loopback_port()
            socket, umask = f"inet:{self.port}@127.0.0.1", "077"
            self.address = f"inet:127.0.0.1:{self.port}"
            listening = lambda: port_listens(self.port)  # noqa: E731
        key_name = f"{self.selector}._domainkey.{self.domain}"
        files = {
            "opendkim.conf": OPENDKIM_CONF.format(socket=socket, umask=umask, dir=self.work_dir,
                                                  algorithm=self.algorithm),
            "KeyTable": f"{key_name} {self.domain}:{self.selector}:{self.key_file}\n",
            "SigningTable": f"*@{self.domain} {key_name}\n",
        }
        for name, text in files.items():
            with open(os.path.join(self.work_dir, name), "w") as out:
                out.write(text)
        argv = [OPENDKIM, "-f", "-x", os.path.join(self.work_dir, "opendkim.conf")]
        self.process = ManagedProcess(self.name, argv, self.work_dir,
                                      os.path.join(self.work_dir, "opendkim.out"),
                                      os.path.join(self.work_dir, "opendkim.err"))
        try:
            wait_until(listening, 15, "opendkim listening",
                       self.process.popen)
        except RuntimeError as error:
            raise RuntimeError(f"{error}: {self.process.errors()}") from None
        return self

    def stop(self):
        return self.process.stop() if self.process else None
