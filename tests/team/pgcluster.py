"""A throw-away PostgreSQL cluster for the team tests and benchmarks/team.py.

``initdb`` into a fresh temporary folder, ``pg_ctl start`` on 127.0.0.1 and a free port,
TLS on (a self-signed certificate made with ``openssl``, when it is installed), password
logins over TCP. PostgreSQL refuses to run as root: as root (CI), the cluster belongs
to the ``postgres`` system user that Debian's package creates, and every server command
runs through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ADMIN = "crtest_admin"


class ClusterError(RuntimeError):
    """The cluster could not be made or started (the message says why)."""


def bindir() -> Path:
    """Where initdb and pg_ctl are: $CHARTREVIEW_PG_BINDIR, Debian's newest, else PATH."""
    given = os.environ.get("CHARTREVIEW_PG_BINDIR")
    if given:
        return Path(given)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterError("PostgreSQL's initdb was not found (install the 'postgresql' package)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One cluster: ``start()``, ``stop()``, ``destroy()``; admin DSNs and role helpers."""

    def __init__(self, *, tls: bool = True) -> None:
        self.bin = bindir()
        self.base = Path()
        try:
            self._make(tls)
        except BaseException:
            if self.base.parts:  # a half-made cluster leaves nothing behind
                shutil.rmtree(self.base, ignore_errors=True)
            raise

    def _make(self, tls: bool) -> None:
        # As root, the postgres user must reach the folder: /tmp, not a private $TMPDIR
        where = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
        self.base = Path(tempfile.mkdtemp(prefix="chartreview-pg-", dir=where))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.user = None if os.geteuid() != 0 else "postgres"
        self.tls = False
        if self.user is not None:
            try:
                pw = pwd.getpwnam(self.user)
            except KeyError:
                raise ClusterError("running as root, the 'postgres' system user is needed "
                                   "(apt-get install postgresql creates it)") from None
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        pwfile = self.base / "pw"
        pwfile.write_text(self.password + "\n")
        self._own(pwfile)
        self._run("initdb", "-D", str(self.data), "-U", ADMIN, f"--pwfile={pwfile}",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        pwfile.unlink()
        conf = [
            "listen_addresses = '127.0.0.1'", f"port = {self.port}",
            f"unix_socket_directories = '{self.base}'",
            # a throw-away cluster: durability is the operating system's page cache
            "fsync = off", "full_page_writes = off", "max_connections = 120",
        ]
        if tls and shutil.which("openssl"):
            self._certificate()
            conf += ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]
            self.tls = True
        with (self.data / "postgresql.conf").open("a") as f:
            f.write("\n".join(conf) + "\n")

    # --- plumbing ----------------------------------------------------------------------
    def _own(self, path: Path) -> None:
        if self.user is not None:
            pw = pwd.getpwnam(self.user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / tool), *args]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, cwd=self.base, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise ClusterError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}"
                               + self._log_tail())
        return done

    def _log_tail(self) -> str:
        try:
            return "\n" + "\n".join(self.log.read_text().splitlines()[-15:])
        except OSError:
            return ""

    def _certificate(self) -> None:
        key, crt = self.data / "server.key", self.data / "server.crt"
        subprocess.run(["openssl", "req", "-new", "-x509", "-days", "2", "-nodes",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(crt)],
                       check=True, capture_output=True, timeout=60)
        key.chmod(0o600)
        self._own(key)
        self._own(crt)

    # --- life --------------------------------------------------------------------------
    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # pg_ctl -w waits, but be sure TCP answers
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ClusterError("the server started but does not answer on its port"
                           + self._log_tail())

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  check=False)

    @property
    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running:
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    # --- addresses and roles -------------------------------------------------------------
    def url(self, user: str, db: str) -> str:
        """The address a user types (no password: it comes from PGPASSWORD or ~/.pgpass)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def admin_dsn(self, db: str = "postgres") -> str:
        return (f"host=127.0.0.1 port={self.port} user={ADMIN} password={self.password} "
                f"dbname={db} sslmode=prefer")

    def admin_sql(self, sql: str, db: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.admin_dsn(db), autocommit=True) as conn:
            cur = conn.execute(sql)  # test set-up only: statements with no user input
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> None:
        self.admin_sql(f'CREATE DATABASE "{name}"')

    def create_login(self, name: str, password: str) -> None:
        exists = self.admin_sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'")
        verb = "ALTER" if exists else "CREATE"
        self.admin_sql(f"{verb} ROLE \"{name}\" LOGIN PASSWORD '{password}'")
