"""Owner identifiers are validated as the law states, and never logged in clear."""

from __future__ import annotations

import pytest

from kernel import InvalidOwnerId, OwnerId, OwnerKind, mask_id, mask_ids_in_text, parse_owner_id


def test_twelve_digit_personal_id_is_a_citizen() -> None:
    # REGULATIONS 9.B.19: exactly 12 digits, digits 1–3 a province code.
    owner = parse_owner_id("001099012345")
    assert owner.kind is OwnerKind.CITIZEN
    assert owner.value == "001099012345"


@pytest.mark.parametrize("raw", ["0310123467", "0310123467-001", "0100109106"])
def test_tax_codes_of_ten_or_ten_dash_three_digits_are_organisations(raw: str) -> None:
    # REGULATIONS 9.B.20: ^\d{10}(-\d{3})?$
    assert parse_owner_id(raw).kind is OwnerKind.ORGANISATION


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("00109901234", "11 chữ số"),  # 11 digits: the counter's most common typo
        ("0010990123456", "13 chữ số"),
        ("", "Thiếu"),
        ("00109901234A", "chỉ gồm chữ số"),
        ("0310123467-01", "chỉ gồm chữ số"),
        ("000099012345", "mã tỉnh"),  # province code 000 is never issued
        ("097099012345", "mã tỉnh"),
        # A mistyped digit of a tax code, and a personal ID cut to ten digits: the check
        # digit does not hold, so no organisation vault is opened for either.
        ("0310123456", "chữ số kiểm tra"),
        ("0310123466-001", "chữ số kiểm tra"),
        ("0790990123", "chữ số kiểm tra"),
    ],
)
def test_invalid_identifiers_are_refused_with_a_reason(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidOwnerId) as caught:
        parse_owner_id(raw)
    assert fragment in str(caught.value)
    if raw:
        assert raw not in str(caught.value), "the message must not repeat the ID"


def test_masking_hides_the_middle_of_an_id() -> None:
    assert mask_id("001099012345") == "001*******45"
    assert "001099012345" not in mask_ids_in_text("/api/v1/owners/001099012345/documents")
    assert mask_ids_in_text("/api/v1/owners/0310123467-001/x") == "/api/v1/owners/031*********01/x"


def test_masking_leaves_uuids_whole() -> None:
    # Issue 25 item 7: a document id whose last group is all digits stays findable in logs.
    line = "document 1f3c2e9a-5b7d-4c1e-9a2b-123456789012 for 001099012345"
    assert mask_ids_in_text(line) == "document 1f3c2e9a-5b7d-4c1e-9a2b-123456789012 for 001*******45"


@pytest.mark.parametrize(("raw", "kind", "fragment"), [
    ("0010990123", OwnerKind.CITIZEN, "12 chữ số; đã nhập 10"),  # two digits short
    ("0310123467", OwnerKind.CITIZEN, "12 chữ số; đã nhập 10"),  # a valid tax code, still
    ("001099012345", OwnerKind.ORGANISATION, "mã số thuế"),
])
def test_a_number_of_the_wrong_length_for_the_chosen_kind_is_refused_not_reinterpreted(
        raw: str, kind: OwnerKind, fragment: str) -> None:
    # Issue 25, item 7: the form said whose vault; the number must be of that kind.
    with pytest.raises(InvalidOwnerId, match=fragment) as refused:
        parse_owner_id(raw, kind)
    assert raw not in str(refused.value)
    assert parse_owner_id("001099012345", OwnerKind.CITIZEN).kind is OwnerKind.CITIZEN
    assert parse_owner_id("0310123467-001", OwnerKind.ORGANISATION).kind is (
        OwnerKind.ORGANISATION)


def test_a_foreigner_is_keyed_by_passport_and_nationality() -> None:
    # Issue 29 item 2; DESIGN: owners are keyed by personal ID, passport number or tax code.
    owner = parse_owner_id(" hc-fra-c1234567 ", OwnerKind.FOREIGNER)
    assert owner == OwnerId("HC-FRA-C1234567", OwnerKind.FOREIGNER)
    assert parse_owner_id("HC-FRA-C1234567").kind is OwnerKind.FOREIGNER
    # A bare passport number names no one: its country is part of the key.
    with pytest.raises(InvalidOwnerId, match="HC-, mã quốc tịch"):
        parse_owner_id("C1234567", OwnerKind.FOREIGNER)
    # Each kind refuses the others' forms, saying what the number looks like.
    with pytest.raises(InvalidOwnerId, match="có dạng số hộ chiếu"):
        parse_owner_id("HC-FRA-C1234567", OwnerKind.CITIZEN)
    with pytest.raises(InvalidOwnerId, match="có dạng số định danh cá nhân"):
        parse_owner_id("001099012345", OwnerKind.FOREIGNER)
    # Passports are masked in text as IDs are.
    assert "C1234567" not in mask_ids_in_text("vault of HC-FRA-C1234567 opened")
