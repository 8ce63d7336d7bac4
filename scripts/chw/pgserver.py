"""A throwaway local PostgreSQL server for tests: 127.0.0.1 only, trust auth, temp data dir.

    with local_postgres() as env:   # env holds CHW_PG_HOST/PORT/USER/PASSWORD/DATABASE
        ...

The binaries come from PATH or Debian's /usr/lib/postgresql/<version>/bin; when there are
none, `apt-get install postgresql` runs first (root only). As root, initdb and postgres run as
the `postgres` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chw.errors import ChwError, ExitCode

HOST = "127.0.0.1"
SUPERUSER = "postgres"
SERVICE_USER = "postgres"
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def _version_key(path: Path) -> tuple[int, ...]:
    version = path.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl (newest Debian version first), or None."""
    candidates = sorted(Path("/").glob(DEBIAN_BIN_GLOB.lstrip("/")), key=_version_key)
    for bin_dir in reversed(candidates):
        if (bin_dir / "initdb").exists() and (bin_dir / "pg_ctl").exists():
            return bin_dir
    on_path = shutil.which("pg_ctl")
    if on_path and (Path(on_path).resolve().parent / "initdb").exists():
        return Path(on_path).resolve().parent
    return None


def install_postgres() -> Path:
    """`apt-get install postgresql` (Debian/Ubuntu, as root) and return its bin folder."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ChwError(
            "PostgreSQL is not installed; install it (e.g. apt-get install postgresql)",
            ExitCode.USAGE,
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise ChwError("apt-get installed postgresql but no initdb was found", ExitCode.USAGE)
    return bin_dir


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _run_as(user: str | None) -> list[str]:
    """Command prefix that runs a program as `user` (None: as ourselves)."""
    return ["runuser", "-u", user, "--"] if user else []


def _service_user() -> str | None:
    """The user the server runs as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
        )
    return SERVICE_USER


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for item in [path, *path.rglob("*")]:
        os.chown(item, entry.pw_uid, entry.pw_gid)


def _create_database(port: int, database: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host=HOST, port=port, user=SUPERUSER, dbname="postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'create database "{database}"')
    finally:
        connection.close()


def connection_env(port: int, database: str) -> dict[str, str]:
    """The variables profiles.yml's postgres target and chw.load read."""
    return {
        "CHW_PG_HOST": HOST,
        "CHW_PG_PORT": str(port),
        "CHW_PG_USER": SUPERUSER,
        "CHW_PG_PASSWORD": "",
        "CHW_PG_DATABASE": database,
    }


def _init_and_start(bin_dir: Path, prefix: list[str], user: str | None, root: Path) -> int:
    """initdb a cluster under `root` and start it on 127.0.0.1; return its port."""
    data_dir, socket_dir, log_file = root / "data", root / "socket", root / "server.log"
    socket_dir.mkdir()
    if user:
        _chown_tree(root, user)
    initdb = [str(bin_dir / "initdb"), "--pgdata", str(data_dir), "--username", SUPERUSER]
    initdb += ["--auth", "trust", "--encoding", "UTF8", "--locale", "C"]
    subprocess.run([*prefix, *initdb], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    # loopback only; the unix socket lives in our temp dir; a test server needs no durability
    options = (
        f"-c listen_addresses={HOST} -c port={port} -c unix_socket_directories={socket_dir}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    start = [str(bin_dir / "pg_ctl"), "--pgdata", str(data_dir), "--log", str(log_file)]
    start += ["--wait", "--options", options, "start"]
    result = subprocess.run([*prefix, *start], check=False, stdout=subprocess.DEVNULL)
    if result.returncode != 0:
        log = log_file.read_text() if log_file.exists() else ""
        raise ChwError(f"PostgreSQL did not start:\n{log[-2000:]}", ExitCode.BUILD)
    return port


@contextmanager
def local_postgres(database: str = "customer_health") -> Iterator[dict[str, str]]:
    """Start a private PostgreSQL on 127.0.0.1:<free port>; yield its connection env; stop it."""
    bin_dir = find_bin_dir() or install_postgres()
    user = _service_user()
    prefix = _run_as(user)
    root = Path(tempfile.mkdtemp(prefix="chw-pg-"))
    data_dir = root / "data"
    pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "--pgdata", str(data_dir)]
    started = False
    try:
        port = _init_and_start(bin_dir, prefix, user, root)
        started = True
        _create_database(port, database)
        yield connection_env(port, database)
    finally:
        if started:
            subprocess.run(
                [*pg_ctl, "--wait", "--mode", "fast", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)
