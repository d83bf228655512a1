"""``sohoa sign``, ``sohoa verify`` and ``sohoa signing …``: PAdES signatures made and checked."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .context import JsonOption, calling, commands
from .output import console, counted_progress, fail, print_json, read_input


class SignAs(StrEnum):
    """In whose name a signature is made: `sohoa.usecases.signatures.SignAs`, repeated so that
    ``--help`` need not import the signing stack (a test keeps the two the same)."""

    OPERATOR = "operator"
    AGENCY = "agency"
    RESULT = "result"

sign_app = commands()
signing_app = commands("Chữ ký số (signatures).")


@sign_app.command("sign")
def sign(
    pdf: Annotated[Path, typer.Argument(help="The PDF to sign")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the signed PDF")],
    level: Annotated[str | None, typer.Option(
        help="B-B, B-T, B-LT or B-LTA; default: the level configured for the role")] = None,
    as_: Annotated[SignAs, typer.Option(
        "--as", help="operator: the officer's signature; agency: SAO Y copy; result: "
        "signer image + agency seal")] = SignAs.AGENCY,
    copy_form: Annotated[str, typer.Option(help="SAO Y, SAO LỤC or TRÍCH SAO")] = "SAO Y",
    signer: Annotated[str | None, typer.Option(help="Officer or competent person")] = None,
    account: Annotated[str | None, typer.Option(
        help="--as operator/result: the account whose own key signs (its PIN held)")] = None,
    agency: Annotated[str | None, typer.Option(
        help="--as agency/result: the code of the agency that signs; default SOHOA_AGENCY_CODE"
    )] = None,
    signature_image: Annotated[Path | None, typer.Option(
        help="--as result: the signer's signature, transparent PNG")] = None,
    seal_image: Annotated[Path | None, typer.Option(
        help="--as result: the agency seal PNG; default: the agency's (admin agency set)")] = None,
    at: Annotated[str, typer.Option(
        help="--as result: PAGE,X,Y — the signature image's centre in mm from the page's "
             "top-left; page -1 is the last")] = "-1,140,230",
    as_json: JsonOption = False,
) -> None:
    """Ký số tệp PDF (sign a PDF): mức PAdES, hình thức hiển thị theo NĐ 30/2020."""
    from signing import PadesLevel, verify_pdf

    from ..usecases import signatures

    data = read_input(pdf)
    try:
        options = signatures.SignOptions(
            role=signatures.SignAs(as_.value),
            level=PadesLevel.parse(level) if level else None,
            copy_form=copy_form, signer=signer, username=account, agency=agency,
            signature_png=read_input(signature_image) if signature_image else None,
            seal_png=read_input(seal_image) if seal_image else None, **_placement(at),
        )
    except ValueError as exc:
        console.print(f"[bold red]Lỗi[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    with calling(as_json) as services:
        signed = signatures.sign_document(services, data, options)
        report = verify_pdf(signed, services.trust)
    output.write_bytes(signed)
    newest = report.signatures[-1]
    if as_json:
        print_json({"output": str(output), "signature": report.as_dict()["signatures"][-1]})
        return
    console.print(f"Đã ký ({newest.signer}), đạt mức PAdES {newest.level} → {output}",
                  highlight=False)


def _placement(at: str) -> dict[str, Any]:
    try:
        page, x, y = (part.strip() for part in at.split(","))
        number = int(page)
        return {"page": number - 1 if number > 0 else number, "centre_mm": (float(x), float(y))}
    except ValueError:
        raise ValueError(f"--at phải có dạng TRANG,X,Y (mm), ví dụ -1,140,230; không phải "
                         f"{at!r}") from None


@sign_app.command("verify")
def verify(
    pdf: Annotated[Path, typer.Argument(help="A signed PDF")],
    offline: Annotated[bool, typer.Option(
        "--offline", help="Signatures only: do not ask this service's vault whether the "
        "document was revoked")] = False,
    as_json: JsonOption = False,
) -> None:
    """Kiểm tra chữ ký số trong tệp PDF (validate a PDF's signatures)."""
    from digitize import DigitizeError
    from signing import NotAPdf, SigningError

    from ..presenters import with_registry
    from ..services import dev_pki, trust_services
    from ..settings import load_settings
    from ..usecases import certify
    from ..usecases.untrusted import verify_untrusted

    data = read_input(pdf)
    settings = load_settings()
    try:
        report = verify_untrusted(data, settings, trust_services(settings, dev_pki(settings)))
    except (NotAPdf, SigningError, DigitizeError) as exc:
        fail(exc, as_json=as_json)
    answer = report.as_dict()
    if not offline:
        with calling(as_json) as services:
            answer = with_registry(answer, certify.registry_standing(services, data))
    if as_json:
        print_json(answer)
    else:
        for index, sig in enumerate(report.signatures, start=1):
            mark = "[green]HỢP LỆ[/]" if sig.bottom_line else "[red]KHÔNG HỢP LỆ[/]"
            console.print(f"{mark} Chữ ký {index} ({sig.field})", highlight=False)
            for line in sig.describe_vi():
                console.print(f"  {line}", highlight=False)
        for stamp in report.document_timestamps:
            console.print(f"Dấu thời gian lưu trữ: {stamp.time} — {stamp.authority}",
                          highlight=False)
        registry = answer.get("registry", {})
        if registry.get("known") and registry["status"] != "valid":
            console.print(f"[bold red]Tài liệu {registry['status_vi']}[/]"
                          f"{' lúc ' + registry['revoked_at'] if registry['revoked_at'] else ''}"
                          f"{': ' + registry['revocation_reason'] if registry['revocation_reason'] else ''}",
                          highlight=False)
        console.print(report.verdict_vi() if answer["valid"] or not report.valid else
                      "KẾT LUẬN: tài liệu không còn giá trị sử dụng (the document is no longer "
                      "valid)", highlight=False)
    raise typer.Exit(0 if answer["valid"] else 1)


@signing_app.command("refresh")
def signing_refresh(
    within: Annotated[float, typer.Option(
        help="Renew files whose newest timestamp becomes unverifiable within this many days")
    ] = 90,
    as_json: JsonOption = False,
) -> None:
    """Gia hạn dấu thời gian lưu trữ (renew archive timestamps, PAdES B-LTA)."""
    from ..usecases import signatures

    with calling(as_json) as services, counted_progress(not as_json, "Kiểm tra") as progress:
        report = signatures.renew_timestamps(services, within, progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(f"Đã kiểm tra {report.checked} tệp; gia hạn {len(report.renewed)}; "
                      f"không gia hạn được {len(report.failed)}.", highlight=False)
        for document, reason in report.failed:
            console.print(f"  [red]{document}[/]: {reason}", highlight=False)
    raise typer.Exit(1 if report.failed else 0)
