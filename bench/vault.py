#!/usr/bin/env python3
"""Benchmark: the vault on SeaweedFS and PostgreSQL — throughput, and latency at scale.

1. Throughput. The same random (incompressible, like a JPEG scan) 8 MiB files are
   stored and read back through sohoa's encrypting store (the plaintext hashed once,
   sealed in segments, opened as it arrives) and, as the baseline in the same run,
   with raw minio ``put_object`` / ``get_object`` against the same SeaweedFS. Goals
   (issue 30): ≥ 0.9× the raw rate up and down. The vault's whole path —
   ``file_document`` / ``open_file``, with the access check, rows, the audit chain
   and the access log — is reported beside them.
2. Latency. The database is filled to 10,000 and then 1,000,000 documents as
   ``bench/search.py`` fills it (owners of ten documents each with their vault keys,
   sealed rows, ten agencies, the ranked index of texts drawn from the corpus's
   words), the API served by uvicorn (one worker process per core), and 50
   concurrent clients call list (an owner's vault), search (a common word, as the
   staff of one agency) and get-metadata (one document) for a fixed time each,
   back to back and then paced (``--rate`` calls a second each); ``/healthz``
   under the same load is the baseline: what the server and client cost alone.
   p50/p99 per call; goals: p99 ≤ 100 ms at 1 M and ≤ 1.5× the 10 k figure.

    .venv/bin/python bench/vault.py [--files 24] [--mib 8] [--rounds 3]
        [--sizes 10000,1000000] [--seconds 20] [--clients 50] [--rate 2]
        [--only throughput|latency]

Prints one JSON document. PostgreSQL runs with fsync off (a throw-away cluster),
so the write figures are the service's cost, not the disk's.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.load import AGENCIES, hammer, open_service, personal_id, serve  # noqa: E402
from bench.search import Vocabulary, fill, mark_built  # noqa: E402
from kernel import Role, Viewer, parse_owner_id  # noqa: E402
from tests.services import free_port, start_postgres, start_seaweed  # noqa: E402
from vault import FileRole, NewFile  # noqa: E402
from vault.search import BlindIndex  # noqa: E402
from vault.search_engine import SearchEngine  # noqa: E402

SYSTEM = Viewer.system("bench")


def mbps(size: int, seconds: float) -> float:
    return round(size / seconds / 1e6, 1)


def throughput(services: Any, client: Any, files: list[bytes], rounds: int) -> dict[str, Any]:
    """Raw minio and sohoa on the same files, alternating file by file so both see the
    same server state.

    The goal figures are the store's (``EncryptingBlobStore``: the plaintext hashed
    once, sealed in segments, opened as it arrives): what Build item 2 of issue 30
    changes. The vault's own path adds a transaction per call — the access check, the
    document rows, the audit chain and the owner's access log — and is reported beside
    them. A download is consumed piece by piece, as the HTTP answer sends it."""
    client.make_bucket("raw")
    owner = parse_owner_id("001099012345")
    store = services.blobs
    # The owner's vault, made by filing a first document: its one blob names the vault.
    services.vault.filing.file_document(
        owner=owner, title="Tệp đầu", page_count=1, operator="bench",
        scanned_at=datetime.now(UTC), actor="bench",
        files=[NewFile(FileRole.ORIGINAL.value, b"first", "image/jpeg")])
    vault = next(iter(store.inner.list())).key.split("/")[0]
    timings = dict.fromkeys(("raw_up", "store_up", "vault_up", "raw_down", "store_down",
                             "vault_down"), 0.0)
    keys, ids = [], []
    for n, data in enumerate(files):
        start = time.perf_counter()
        client.put_object("raw", f"f{n}", io.BytesIO(data), len(data))
        timings["raw_up"] += time.perf_counter() - start
        start = time.perf_counter()
        digest = hashlib.sha256(data).hexdigest()
        keys.append(store.put(store.name_for(vault, digest), data, sha256=digest))
        timings["store_up"] += time.perf_counter() - start
        start = time.perf_counter()
        record = services.vault.filing.file_document(
            owner=owner, title=f"Tệp {n}", page_count=1, operator="bench",
            scanned_at=datetime.now(UTC), actor="bench",
            files=[NewFile(FileRole.ORIGINAL.value, data, "image/jpeg")])
        timings["vault_up"] += time.perf_counter() - start
        ids.append(record.id)
    for n, document in [pair for _ in range(rounds) for pair in enumerate(ids)]:
        start = time.perf_counter()
        response = client.get_object("raw", f"f{n}")
        raw = response.read()
        response.close()
        response.release_conn()
        timings["raw_down"] += time.perf_counter() - start
        start = time.perf_counter()
        pieces = list(store.open_plain(keys[n].key, expected_sha256=keys[n].sha256))
        timings["store_down"] += time.perf_counter() - start
        start = time.perf_counter()
        served = list(services.vault.documents.open_file(document, "original",
                                                         viewer=SYSTEM).content)
        timings["vault_down"] += time.perf_counter() - start
        assert b"".join(pieces) == b"".join(served) == raw == files[n]
    total = sum(len(f) for f in files)
    rate = {name: mbps(total * (rounds if name.endswith("_down") else 1), seconds)
            for name, seconds in timings.items()}
    return {"files": len(files), "bytes": total, "download_rounds": rounds, "mb_s": rate,
            "upload_ratio": round(rate["store_up"] / rate["raw_up"], 2),
            "download_ratio": round(rate["store_down"] / rate["raw_down"], 2),
            "goal": {"upload": 0.9, "download": 0.9},
            "context": {
                "vault_upload_ratio": round(rate["vault_up"] / rate["raw_up"], 2),
                "vault_download_ratio": round(rate["vault_down"] / rate["raw_down"], 2),
                "note": "vault_* include the transaction of every call (access check, rows, "
                        "audit chain, access log)"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--mib", type=float, default=8)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2.0,
                        help="calls a second per client in the paced run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each file is read back (the reads are the noisier half)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", choices=("throughput", "latency"),
                        help="run one half of the bench")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-vault-"))
    seaweed = start_seaweed(work / "seaweed")
    postgres = start_postgres()
    servers: list[subprocess.Popen[bytes]] = []
    try:
        env, settings, services = open_service(
            postgres, work / "data", SOHOA_STORAGE_URL="s3://vault",
            SOHOA_S3_ENDPOINT=seaweed.endpoint, SOHOA_S3_ACCESS_KEY=seaweed.access_key,
            SOHOA_S3_SECRET_KEY=seaweed.secret_key, SOHOA_S3_SECURE="false")
        rng = random.Random(7)
        files = [rng.randbytes(int(args.mib * 2**20)) for _ in range(args.files)]
        report: dict[str, Any] = {"benchmark": "vault", "machine": f"{os.cpu_count()} cores"}
        if args.only != "latency":
            report["throughput"] = throughput(services, seaweed.client(), files, args.rounds)
        if args.only == "throughput":
            args.sizes = ""
        staff = services.accounts.create("canbo", Role.STAFF, "Cán bộ", password="x" * 12,
                                         agency=AGENCIES[0])
        vocabulary = Vocabulary(args.corpus, BlindIndex(settings.search_key_bytes()),
                                np.random.default_rng(7))
        dsn = f"host=127.0.0.1 port={postgres.port} user=postgres dbname=bench"
        latency: dict[str, Any] = {}
        filled = 0
        made: dict[str, Any] = {}
        for size in (int(s) for s in args.sizes.split(",") if s):
            started = time.perf_counter()
            engine = SearchEngine(settings.search_path, writer_bytes=1 << 30, writer_threads=2)
            fill(dsn, settings, engine, vocabulary, filled, size)
            engine.close()
            mark_built(settings)
            filled = size
            owners = [personal_id(n) for n in rng.sample(range(size // 10), 200)]
            tokens = {}
            for owner in owners[:50]:
                if owner not in made:
                    made[owner] = services.accounts.create(f"dan{owner}", Role.CITIZEN, owner,
                                                           password="x" * 12, owner=owner)
                tokens[owner] = services.accounts.token_for(made[owner]).token
            staff_auth = {"Authorization": f"Bearer {services.accounts.token_for(staff).token}"}
            port = free_port()
            servers.append(serve(env, port))
            base = f"http://127.0.0.1:{port}"
            auth = {o: {"Authorization": f"Bearer {t}"} for o, t in tokens.items()}
            citizens = list(auth)
            doc_of = {o: f"00000000-0000-4000-9000-{int(o[4:]) * 10:012d}" for o in citizens}
            queries = vocabulary.common
            calls = {
                "list": [(f"/api/v1/owners/{o}/documents", {}, auth[o]) for o in citizens],
                "search": [("/api/v1/search", {"q": q, "limit": "20"}, staff_auth)
                           for q in queries],
                "get_metadata": [(f"/api/v1/documents/{doc_of[o]}", {}, auth[o])
                                 for o in citizens],
                # The floor: a route that does nothing, through the same server and client.
                "healthz_baseline": [("/healthz", {}, {})],
            }
            latency[str(size)] = {"fill_seconds": round(time.perf_counter() - started)} | {
                mode: {name: asyncio.run(hammer(base, batch, args.clients, args.seconds, rate))
                       for name, batch in calls.items()}
                for mode, rate in (("back_to_back", None), ("paced", args.rate))}
            servers.pop().terminate()
        sizes = list(latency)
        if len(sizes) > 1:
            small, large = latency[sizes[0]], latency[sizes[-1]]
            report["latency_ratio_large_to_small_p99"] = {
                mode: {name: round(large[mode][name]["p99_ms"] / small[mode][name]["p99_ms"], 2)
                       for name in calls}
                for mode in ("back_to_back", "paced")}
        report["latency_goal"] = {"p99_ms_at_largest": 100, "ratio_max": 1.5}
        report["paced_rate_per_client"] = args.rate
        report["latency"] = latency
        report["clients"] = args.clients
        services.close()
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        for server in servers:
            server.terminate()
        seaweed.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
