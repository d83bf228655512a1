"""Packages without the vault: App. VI metadata, the bag, and what validation catches."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import bagit
import pytest

from archive import (
    MetadataInvalid,
    PackageError,
    open_package,
    validate_package,
    write_package,
)
from archive.appendix6 import FILE_LIMITS, check_values, from_xml, to_xml
from tests.archive.synthetic import metadata, package


def signatures_ok(data: bytes) -> list[str] | None:
    """Unit-test stand-in for pyHanko: every PDF counts as validly signed."""
    return []


def rebag(root: Path) -> None:
    """Recompute the bag's manifests, as someone covering their tracks would: only the
    checks that read content (METS, App. VI, PDF, signatures) can then see a change."""
    bag = bagit.Bag(str(root))
    bag.save(manifests=True)


# -- App. VI metadata ------------------------------------------------------------------------
def test_appendix6_xml_reads_back_to_the_same_record() -> None:
    # REGULATIONS 9.D.31
    meta = metadata()
    assert from_xml(to_xml(meta)) == meta
    assert meta.file_code == "000.00.31.H50.2025.250304-0001"  # REGULATIONS 9.B.18


def test_appendix6_names_each_missing_overlong_or_malformed_field() -> None:
    # REGULATIONS 9.D.32
    values = metadata().values() | {"Title": "T" * (FILE_LIMITS["Title"] + 1),
                                    "EndDate": "10/03/2025", "PageTotal": "hai"}
    del values["Maintenance"]
    problems = {(p.field, p.message.split()[0]) for p in check_values(values, [
        {"DocOrdinal": "1", "TypeName": "x", "Subject": "y", "Language": "vi",
         "PageAmount": "1", "CodeNumber": "123456789012"}])}
    assert ("Maintenance", "thiếu") in problems
    assert ("Title", "dài") in problems
    assert ("EndDate", "'10/03/2025'") in problems
    assert ("PageTotal", "'hai'") in problems
    assert ("CodeNumber", "dài") in problems
    assert len(problems) == 5


def test_a_file_cannot_end_before_it_starts() -> None:
    values = metadata().values() | {"EndDate": "2025-03-03"}
    assert [(p.field, "before it starts" in p.message) for p in check_values(values, [])] == [
        ("EndDate", True)]


def test_a_title_of_exactly_its_limit_is_accepted() -> None:
    assert metadata("T" * FILE_LIMITS["Title"]).problems() == []


# -- writing ------------------------------------------------------------------------------------
def test_a_written_package_validates_and_opens(tmp_path: Path) -> None:
    made = package()
    written = write_package(made, tmp_path)
    assert written.path == tmp_path / "000.00.31.H50-250304-0001"
    assert written.files == 3
    report = validate_package(written.path, signatures=signatures_ok)
    assert report.valid, report.lines_vi()
    assert report.check("bag").checked == 8  # 3 content files, 4 metadata files, METS.xml
    assert report.check("signatures").checked == 1
    opened = open_package(written.path)
    assert opened.metadata == metadata()
    assert [h.kind for h in opened.history] == ["STATUS", "OPINION"]
    assert opened.history[1].official == "Trần Thị Bình"
    assert opened.checksum == written.checksum
    for f in made.files:
        assert opened.read(f.path) == f.read()


def test_metadata_over_its_length_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # REGULATIONS 9.D.32
    with pytest.raises(MetadataInvalid, match="Title"):
        write_package(package(metadata("T" * 501)), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_whose_bytes_differ_from_its_hash_is_refused(tmp_path: Path) -> None:
    bad = package()
    doc = bad.documents[0]
    damaged = replace(doc.files[0], read=lambda: b"not the scan")
    bad = replace(bad, documents=(replace(doc, files=(damaged, doc.files[1])),
                                  *bad.documents[1:]))
    with pytest.raises(PackageError, match="SHA-256"):
        write_package(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_package_is_never_overwritten(tmp_path: Path) -> None:
    write_package(package(), tmp_path)
    with pytest.raises(PackageError, match="already exists"):
        write_package(package(), tmp_path)


def test_a_path_outside_the_package_is_refused(tmp_path: Path) -> None:
    opened = open_package(write_package(package(), tmp_path).path)
    with pytest.raises(PackageError, match="leaves the package"):
        opened.read("../../bag-info.txt")


# -- validation ----------------------------------------------------------------------------------
@pytest.fixture
def bag(tmp_path: Path) -> Path:
    return write_package(package(), tmp_path).path


SCAN = "data/representations/original/data/f.001.original.png"
PDFA = "data/representations/preservation/data/f.001.pdfa.pdf"


def test_validation_catches_a_missing_file(bag: Path) -> None:
    # REGULATIONS 9.D.27
    (bag / SCAN).unlink()
    report = validate_package(bag, signatures=signatures_ok)
    assert not report.valid
    assert any("f.001.original.png" in p for p in report.check("bag").problems)
    assert report.check("premis").ok and report.check("appendix6").ok


def test_validation_catches_a_changed_byte(bag: Path) -> None:
    data = bytearray((bag / SCAN).read_bytes())
    data[len(data) // 2] ^= 0x01
    (bag / SCAN).write_bytes(bytes(data))
    report = validate_package(bag, signatures=signatures_ok)
    assert [c.name for c in report.checks if not c.ok] == ["bag"]
    # Re-bagged, the bag agrees with itself, but METS still has the first hash.
    rebag(bag)
    report = validate_package(bag, signatures=signatures_ok)
    assert [c.name for c in report.checks if not c.ok] == ["mets"]
    assert "f.001.original.png" in report.check("mets").problems[0]


def test_validation_catches_a_field_over_its_length(bag: Path) -> None:
    # REGULATIONS 9.D.32
    xml = bag / "data/metadata/descriptive/appendix6.xml"
    text = xml.read_text(encoding="utf-8")
    xml.write_text(text.replace("<Maintenance>Vĩnh viễn</Maintenance>",
                                f"<Maintenance>{'V' * 31}</Maintenance>"), encoding="utf-8")
    rebag(bag)
    report = validate_package(bag, signatures=signatures_ok)
    assert [c.name for c in report.checks if not c.ok] == ["mets", "appendix6"]
    assert any("Maintenance" in p and "31" in p for p in report.check("appendix6").problems)


def test_validation_catches_a_pdf_that_lost_its_pdfa_claim_or_structure(bag: Path) -> None:
    from tests.archive.synthetic import pdf_bytes

    (bag / PDFA).write_bytes(pdf_bytes("CCCD", pdfa=False))
    signed = bag / "data/representations/preservation/data/f.002.signed.pdf"
    signed.write_bytes(signed.read_bytes()[:-400])
    rebag(bag)
    problems = validate_package(bag, signatures=signatures_ok).check("pdf").problems
    assert any("f.001.pdfa.pdf" in p and "PDF/A" in p for p in problems)
    assert any("f.002.signed.pdf" in p and "needs repair" in p for p in problems)


def test_a_broken_signature_is_reported_per_file(bag: Path) -> None:
    report = validate_package(bag, signatures=lambda data: ["chữ ký hỏng (digest mismatch)"])
    assert report.check("signatures").problems == [
        "representations/preservation/data/f.002.signed.pdf: chữ ký hỏng (digest mismatch)"]
    unsigned = validate_package(bag, signatures=lambda data: None)
    assert "not signed" in unsigned.check("signatures").problems[0]


def test_without_a_signature_checker_the_report_says_it_skipped(bag: Path) -> None:
    report = validate_package(bag)
    assert report.check("signatures").skipped
    assert report.valid


def test_a_folder_that_is_not_a_bag_is_reported_not_crashed(tmp_path: Path, bag: Path) -> None:
    shutil.rmtree(bag / "data/metadata")
    (bag / "bagit.txt").unlink()
    report = validate_package(bag)
    assert not report.valid
    assert "not a BagIt bag" in report.check("bag").problems[0]
    assert report.as_dict()["valid"] is False
    assert report.lines_vi()[0].endswith("KHÔNG HỢP LỆ")
