#!/usr/bin/env python3
"""Benchmark: milliseconds per signature, sohoa against plain pyHanko, in one run.

Two operations on a one-page colour 200-dpi scan (the counter's common case),
each signed with the development PKI's RSA-2048 agency key:

- ``b_b_visible``: PAdES B-B with the visible "SAO Y" stamp in Liberation Serif
  (goal ≤ 60 ms);
- ``b_lta_local_tsa``: PAdES B-LTA with the in-process development TSA and the
  dev root's CRL embedded (goal ≤ 250 ms).

The baseline does the same the plain pyHanko way, as its documentation shows:
``SimpleSigner.load`` from the PEM files, a ``TextStampStyle`` with the font
(rescaled to 1000 units per em, else the stamp is spaced wrong), pyHanko's
``DummyTimeStamper`` and its own signature-size estimate. Both produce
signatures that validate; each figure is the median of ``--rounds`` runs after
one warm-up.

    .venv/bin/python bench/signing.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asn1crypto import crl as asn1_crl, keys as asn1_keys  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from fontTools.ttLib.scaleUpem import scale_upem  # noqa: E402
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.text import TextBoxStyle  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper  # noqa: E402
from pyhanko.stamp import TextStampStyle  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

from signing import (  # noqa: E402
    DevPki,
    PadesLevel,
    copy_request,
    dev_trust_services,
    sign_pdf,
    stamp_font,
    verify_pdf,
)
from signing.fonts import find_source_font  # noqa: E402
from signing.trust import asn1_certificate  # noqa: E402
from tests.inputs import image_bytes, image_pdf, text_page  # noqa: E402

AGENCY = "UBND phường Bến Nghé"
GOALS_MS = {"b_b_visible": 60.0, "b_lta_local_tsa": 250.0}


def median_ms(run: Callable[[], bytes], rounds: int) -> tuple[float, bytes]:
    out = run()  # warm-up: fonts, imports, first-use caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        out = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), out


def plain_pyhanko(pdf: bytes, pki: DevPki, font: Path, lta: bool) -> bytes:
    """The documented pyHanko way, with nothing cached between signatures."""
    pair = pki.agency()
    signer = signers.SimpleSigner.load(str(pair.key_path), str(pair.cert_path),
                                       ca_chain_files=(str(pki.root.cert_path),))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(
        "Copy", on_page=0, box=(300, 790, 580, 834)))
    style = TextStampStyle(
        stamp_text=f"SAO Y\n{AGENCY}\nThời gian ký: %(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=10),
                                    font_size=10),
    )
    timestamper, context = None, None
    if lta:
        tsa = pki.tsa()
        key = serialization.load_pem_private_key(tsa.key_path.read_bytes(), None)
        timestamper = DummyTimeStamper(
            asn1_certificate(tsa.certificate()),
            asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())))
        context = ValidationContext(trust_roots=[asn1_certificate(pki.root.certificate())],
                                    crls=[asn1_crl.CertificateList.load(pki.crl())])
    meta = signers.PdfSignatureMetadata(
        field_name="Copy", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        embed_validation_info=lta, validation_context=context, use_pades_lta=lta)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                      stamp_style=style).sign_pdf(writer, output=out)
    return out.getvalue()


def rescaled_full_font(folder: Path) -> Path:
    font = TTFont(str(find_source_font()))
    scale_upem(font, 1000)
    if "FFTM" in font:
        del font["FFTM"]
    path = folder / "LiberationSerif-upem1000-full.ttf"
    font.save(str(path))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pki = DevPki(work / "pki", agency_name=AGENCY, crl_url="http://127.0.0.1:8000/x.crl")
        trust = dev_trust_services(pki)
        font, full_font = stamp_font(work / "fonts"), rescaled_full_font(work)
        key = pki.key_source(pki.agency())
        operations = {}
        for name, level in (("b_b_visible", PadesLevel.B_B),
                            ("b_lta_local_tsa", PadesLevel.B_LTA)):
            request = copy_request(key, font, AGENCY, level=level)
            ours, ours_pdf = median_ms(lambda r=request: sign_pdf(pdf, r, trust), args.rounds)
            lta = level is PadesLevel.B_LTA
            base, base_pdf = median_ms(lambda lta=lta: plain_pyhanko(pdf, pki, full_font, lta),
                                       args.rounds)
            reached = [verify_pdf(out, trust).signatures[0].level for out in (ours_pdf, base_pdf)]
            operations[name] = {
                "sohoa_ms": round(ours, 1), "baseline_ms": round(base, 1),
                "ratio_baseline_over_sohoa": round(base / ours, 2),
                "goal_ms": GOALS_MS[name], "meets_goal": ours <= GOALS_MS[name],
                "level_reached": {"sohoa": reached[0], "baseline": reached[1]},
                "bytes_added": {"sohoa": len(ours_pdf) - len(pdf),
                                "baseline": len(base_pdf) - len(pdf)},
            }
    print(json.dumps({
        "benchmark": "signing",
        "date": date.today().isoformat(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": {"pages": 1, "bytes": len(pdf), "key": "RSA-2048 (development PKI)"},
        "rounds": args.rounds,
        "baseline": "plain pyHanko 0.38: SimpleSigner.load, TextStampStyle with the full "
                    "rescaled font, DummyTimeStamper, pyHanko's size estimate",
        "operations": operations,
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
