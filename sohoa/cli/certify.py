"""``sohoa certify …`` and ``sohoa lookup``: paper ↔ electronic conversion certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .context import CLI, JsonOption, calling, commands
from .output import console, print_json

certify_app = commands("Chứng nhận chuyển đổi giấy ↔ điện tử (conversion certificates).")
lookup_app = commands()


@certify_app.command("copy")
def certify_copy(
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    converter: Annotated[str | None, typer.Option(help="Officer converting")] = None,
    copy_form: Annotated[str, typer.Option(help="SAO Y, SAO LỤC or TRÍCH SAO")] = "SAO Y",
    qr: Annotated[bool | None, typer.Option(
        "--qr/--no-qr", help="QR with the conversion data (default: SOHOA_CONVERSION_QR)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Also write the certified PDF here")] = None,
    as_json: JsonOption = False,
) -> None:
    """Chứng nhận bản điện tử chuyển đổi từ bản giấy (paper → electronic certified copy)."""
    from vault import FileRole

    from ..presenters import conversion_summary
    from ..usecases import certify

    with calling(as_json) as services:
        conversion = certify.certify_copy(services, doc_id, converter=converter,
                                          copy_form=copy_form, qr=qr, viewer=CLI)
        if output:
            output.write_bytes(services.vault.documents.read_file(doc_id, FileRole.CERTIFIED.value,
                                                        viewer=CLI).data)
        shown = conversion_summary(conversion, services.keys.lookup_url)
    if as_json:
        print_json({"conversion": shown})
        return
    console.print(f"Đã chứng nhận bản điện tử: mã tra cứu [bold]{shown['code']}[/] — "
                  f"{shown['lookup_url']}", highlight=False)


@certify_app.command("print")
def certify_print(
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF to print")],
    converter: Annotated[str | None, typer.Option(help="Officer printing the copy")] = None,
    formal: Annotated[bool, typer.Option(
        "--sao-y", help="Add the formal SAO Y block with the agency's next copy number")] = False,
    signer_position: Annotated[str | None, typer.Option(help="--sao-y: signer's position")] = None,
    signer_name: Annotated[str | None, typer.Option(help="--sao-y: signer's full name")] = None,
    recipients: Annotated[list[str] | None, typer.Option(
        "--recipient", help="--sao-y: a recipient (nơi nhận), repeatable")] = None,
    as_json: JsonOption = False,
) -> None:
    """In bản giấy từ bản điện tử, có mã QR tra cứu (electronic → paper copy, printable PDF)."""
    from ..presenters import conversion_summary
    from ..usecases import certify

    options = certify.FormalOptions("SAO Y", signer_position, signer_name,
                                    tuple(recipients or ())) if formal else None
    with calling(as_json) as services:
        conversion, pdf = certify.print_copy(services, doc_id, converter=converter,
                                             formal=options, viewer=CLI)
        shown = conversion_summary(conversion, services.keys.lookup_url)
    output.write_bytes(pdf)
    if as_json:
        print_json({"output": str(output), "conversion": shown})
        return
    number = f", số {shown['copy_symbol']}" if shown["copy_symbol"] else ""
    console.print(f"Đã ghi bản in {output}{number}; mã tra cứu [bold]{shown['code']}[/] — "
                  f"{shown['lookup_url']}", highlight=False)


@lookup_app.command("lookup")
def lookup(code: Annotated[str, typer.Argument(help="Look-up code printed on a copy")],
           as_json: JsonOption = False) -> None:
    """Tra cứu một bản sao theo mã (look up a copy's status by its code)."""
    from ..usecases import certify

    with calling(as_json) as services:
        view = certify.lookup(services, code).as_dict()
    if as_json:
        print_json(view)
    else:
        colour = "green" if view["valid"] else "red"
        console.print(f"[bold {colour}]{view['status_vi']}[/] — {view['document']['title']}",
                      highlight=False)
        console.print(f"SHA-256: {view['conversion']['sha256']}", highlight=False)
    raise typer.Exit(0 if view["valid"] else 1)
