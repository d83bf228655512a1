"""The căn cước card: fields from its QR first, OCR text as the fallback (issue 3, item 9)."""

from __future__ import annotations

from datetime import date

from digitize import IntakeLimits, check_file
from digitize.capture import inspect_capture
from digitize.extract import DocTypeCatalogue, ExtractionMethod, extract_fields
from digitize.idcard import CitizenCard, card_from_text, parse_card_qr
from tests.inputs import image_bytes
from tests.pages import CARD_HOLDER, card_on_a4, citizen_card_front

EXPECTED = CitizenCard(
    personal_id="001099012345", previous_id="012345678", full_name="Nguyễn Văn An",
    birth_date=date(1999, 9, 2), sex="Nam", address="Số 12 phố Tràng Tiền, Hoàn Kiếm, Hà Nội",
    issue_date=date(2021, 8, 15))


def test_generated_card_front_yields_every_field_from_its_qr() -> None:
    page = check_file("cccd.jpg", image_bytes(card_on_a4(citizen_card_front()), "JPEG", 300),
                      IntakeLimits())
    assert inspect_capture([page]).cards == [(1, EXPECTED)]


def test_a_photo_of_the_card_alone_is_read_too() -> None:
    photo = check_file("cccd.png", image_bytes(citizen_card_front(dpi=600), "PNG", 600),
                       IntakeLimits())
    assert inspect_capture([photo]).cards == [(1, EXPECTED)]


def test_qr_text_that_is_not_a_card_is_ignored() -> None:
    assert parse_card_qr("https://dichvucong.gov.vn/p/home") is None
    assert parse_card_qr("12345|x|Tên|02091999|Nam|Địa chỉ|15082021") is None  # not 12 digits
    assert parse_card_qr("001099012345||Tên|31022000|Nam|Địa chỉ|15082021") is None  # 31/02


def test_ocr_text_is_the_fallback_when_no_qr_is_read() -> None:
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "CĂN CƯỚC CÔNG DÂN\nSố / No.: 001099012345\n"
            "Họ và tên / Full name: NGUYỄN VĂN AN\nNgày sinh / Date of birth: 02/09/1999\n"
            "Giới tính / Sex: Nam\n")
    card = card_from_text(text)
    assert card is not None and card.personal_id == "001099012345"
    assert card.birth_date == date(1999, 9, 2) and card.full_name == "NGUYỄN VĂN AN"
    found = extract_fields([text], DocTypeCatalogue.load())
    assert found.value("doc_type") == "CCCD"
    number = found.get("personal_id")
    assert number is not None and number.method is ExtractionMethod.OCR and number.confidence < 1


def test_qr_values_win_over_ocr_and_are_marked_qr() -> None:
    misread = "CĂN CƯỚC CÔNG DÂN\nSố / No.: 001099012346\nHọ và tên / Full name: NGUYEN VAN AM\n"
    found = extract_fields([misread], DocTypeCatalogue.load(), cards=[(1, EXPECTED)])
    assert [f.value for f in found.all("personal_id")] == [CARD_HOLDER["personal_id"]]
    name = found.get("full_name")
    assert name is not None and name.value == "Nguyễn Văn An" and name.method is ExtractionMethod.QR
    assert found.value("issue_date") == "2021-08-15"
    assert found.value("doc_type") == "CCCD"
