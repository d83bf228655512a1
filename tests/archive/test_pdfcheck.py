"""The per-PDF checks: what a verdict says, and a content checked once per operation."""

from __future__ import annotations

from pathlib import Path

from archive import PdfChecker, PdfItem, RememberingChecker
from tests.archive.synthetic import pdf_bytes


class CountingSignatures:
    """Unit-test stand-in for pyHanko that counts what it was asked to check."""

    def __init__(self) -> None:
        self.checked: list[bytes] = []

    def __call__(self, data: bytes) -> list[str] | None:
        self.checked.append(data)
        return []


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_verdict_gives_structure_version_pdfa_and_signatures(tmp_path: Path) -> None:
    pdfa = _write(tmp_path, "a.pdf", pdf_bytes("Giay khai sinh", pdfa=True))
    broken = _write(tmp_path, "b.pdf", pdfa.read_bytes()[:400])
    signatures = CountingSignatures()
    good, bad, unsigned_role = PdfChecker(signatures).check(
        [PdfItem(pdfa, signed=True), PdfItem(broken, signed=True), PdfItem(pdfa)])
    assert (good.problem, good.pdfa, good.signatures) == (None, True, [])
    assert good.version >= "1.4"
    assert bad.problem is not None and "broken PDF structure" in bad.problem
    assert bad.signatures is None  # a broken file is not handed to the signature check
    assert unsigned_role.signatures is None
    assert len(signatures.checked) == 1


def test_the_same_content_is_checked_once_and_a_changed_one_again(tmp_path: Path) -> None:
    data = pdf_bytes("Quyet dinh", pdfa=True)
    first, copy = _write(tmp_path, "1.pdf", data), _write(tmp_path, "2.pdf", data)
    signatures = CountingSignatures()
    checker = RememberingChecker(PdfChecker(signatures))
    assert checker.checks_signatures
    verdicts = checker.check([PdfItem(first, signed=True), PdfItem(copy, signed=True)])
    assert verdicts[0] == verdicts[1]
    checker.check([PdfItem(first, signed=True)])
    assert len(signatures.checked) == 1

    # Changed on disk since: the memory is keyed by the bytes read now, so it is checked again.
    first.write_bytes(pdf_bytes("Quyet dinh so 2", pdfa=True))
    checker.check([PdfItem(first, signed=True)])
    assert len(signatures.checked) == 2
