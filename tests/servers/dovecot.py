"""A throw-away Dovecot IMAP server on 127.0.0.1, for tests and benchmarks.

No root service, no system config: a config file in a temp dir, a passwd-file
user database with plaintext passwords, plaintext login allowed (loopback
only), maildirs under the temp dir. Works as root or as a normal user.
"""

from __future__ import annotations

import getpass
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
first_valid_gid = 0
default_internal_user = {internal}

default_login_user = {user}
mail_max_userip_connections = 200
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
  default_fields = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
protocol imap {{
  mail_plugins =
}}
"""


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT) and os.access(DOVECOT, os.X_OK)


def free_port(low: int, high: int) -> int:
    for port in range(low, high + 1):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


@dataclass
class DovecotServer:
    port: int
    root: Path
    users: dict[str, str] = field(default_factory=dict)
    handed_out: set = field(default_factory=set)
    process: subprocess.Popen | None = None
    host: str = "127.0.0.1"

    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    def add_users(self, passwords: dict[str, str]) -> None:
        """Write the user database. Dovecot caches it: add users before start() (or expect a delay)."""
        self.users.update(passwords)
        lines = [f"{user}:{{PLAIN}}{pw}::::::" for user, pw in self.users.items()]
        (self.root / "users").write_text("\n".join(lines) + "\n")
        owner = (self.root / "home").stat()
        for name in passwords:
            home = self.root / "home" / name
            home.mkdir(parents=True, exist_ok=True)
            os.chown(home, owner.st_uid, owner.st_gid)

    def account(self) -> tuple[str, str]:
        """A user of the pool nobody has used yet: an empty mailbox for one test."""
        for name, password in self.users.items():
            if name not in self.handed_out:
                self.handed_out.add(name)
                return name, password
        raise RuntimeError("the pool of test accounts is used up; start the server with more")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config_path())],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode(errors='replace')}\n{self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening\n" + self.log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill_imap_sessions(self) -> None:
        """Cut every open IMAP connection, as a network drop or a server restart would."""
        subprocess.run([DOVEADM, "-c", str(self.config_path()), "kick", "*"], capture_output=True)

    def client(self, user: str):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(user, self.users[user])
        return client


def _system_user(*names: str) -> str:
    for name in names:
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise RuntimeError(f"none of the users {names} exists")


def dovecot_start(*, port: int, root: str | None = None, accounts: int = 300) -> DovecotServer:
    """Start Dovecot with `accounts` users (user1..userN, password "pw-userN") ready to hand out."""
    base = Path(root or tempfile.mkdtemp(prefix="dovecot-test-"))
    for sub in ("run", "state", "mail", "home"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)  # the unprivileged login processes must reach the sockets in run/
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:  # dovecot refuses to run its login and internal processes as root
        user, group = _system_user("dovenull", "nobody"), grp.getgrgid(gid).gr_name
        internal = _system_user("dovecot", "nobody")
        # ... nor its mail processes: mail is owned by the internal user instead.
        uid, gid = pwd.getpwnam(internal).pw_uid, pwd.getpwnam(internal).pw_gid
        for sub in ("mail", "home"):
            os.chown(base / sub, uid, gid)
    else:
        user = internal = pwd.getpwuid(uid).pw_name or getpass.getuser()
        group = grp.getgrgid(gid).gr_name
    server = DovecotServer(port=port, root=base)
    server.config_path().write_text(
        CONFIG.format(root=base, port=port, uid=uid, gid=gid, user=user, internal=internal, group=group)
    )
    server.add_users({f"user{n}": f"pw-user{n}" for n in range(1, accounts + 1)})
    server.start()
    return server
