"""Owner identifiers: the personal ID (số định danh cá nhân), the tax code (mã số thuế),
a foreigner's passport (hộ chiếu) with its nationality, and the service's reference for
someone with none of these.

Vaults are keyed by these, never by an administrative-unit code (DESIGN). The
checks are those the regulations state (REGULATIONS 7.1–7.2, 9.B.19–20); where
the law was not read (the tax-code check digit, the full province table) we do
not invent a stricter rule that could refuse a real citizen.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from .errors import DomainError

# ASCII digits only: \d alone also matches Arabic-Indic and other Unicode digits.
_PERSONAL_ID = re.compile(r"[0-9]{12}", re.ASCII)
_TAX_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?", re.ASCII)
_DIGITS = re.compile(r"[0-9]", re.ASCII)
#: A person with neither a personal ID nor a tax code gets a reference of the service
#: (REGULATIONS 48): ``KDD-`` and ten Crockford base-32 characters.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(r"KDD-[0-9A-HJKMNP-TV-Z]{10}", re.ASCII)
#: A foreigner (người nước ngoài) is keyed by passport: ``HC-`` (hộ chiếu), the issuing
#: country's ISO 3166-1 alpha-3 code and the passport number (ICAO 9303: up to 9
#: characters; some countries use more), e.g. ``HC-FRA-C1234567``. A passport number is
#: unique only within its country, hence the country in the key.
_PASSPORT = re.compile(r"HC-[A-Z]{3}-[A-Z0-9]{5,12}", re.ASCII)

_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

#: Digits 1–3 of a personal ID: the birth-registration province code (001–096,
#: TT 07/2016/TT-BCA Appendix 1). 000 is never issued.
PROVINCE_CODE_RANGE = range(1, 97)


class OwnerKind(StrEnum):
    CITIZEN = "citizen"
    ORGANISATION = "organisation"
    #: No personal ID or tax code (không có số định danh, REGULATIONS 48): the vault is
    #: keyed by a reference of the service and the owner described by a supplementary block.
    UNIDENTIFIED = "unidentified"
    #: A foreigner, keyed by passport and nationality (``HC-FRA-C1234567``).
    FOREIGNER = "foreigner"


class InvalidOwnerId(DomainError):
    """The identifier is neither a valid personal ID nor a valid tax code."""

    code = "invalid_owner_id"
    http_status = 422


@dataclass(frozen=True)
class OwnerId:
    """A validated owner identifier: who a vault (kho dữ liệu) belongs to."""

    value: str
    kind: OwnerKind

    def __str__(self) -> str:
        return self.value

    @property
    def masked(self) -> str:
        """The form that may appear in logs: never the identifier in clear."""
        return mask_id(self.value)


#: What each kind of owner is identified by, for messages.
_EXPECTED = {
    OwnerKind.CITIZEN: ("công dân: số định danh cá nhân phải có đúng 12 chữ số",
                        "a citizen's personal ID has exactly 12 digits"),
    OwnerKind.ORGANISATION: ("tổ chức: mã số thuế phải có 10 chữ số hoặc 10-3 chữ số",
                             "an organisation's tax code has 10 or 10-3 digits"),
    OwnerKind.FOREIGNER: ("người nước ngoài: ghi HC-, mã quốc tịch 3 chữ cái và số hộ chiếu, "
                          "ví dụ HC-FRA-C1234567",
                          "a foreigner is named HC-<country>-<passport number>"),
}


#: What a number of another kind's form is, for the message that refuses it.
_LOOKS_LIKE = {
    OwnerKind.CITIZEN: "số định danh cá nhân của công dân (12 chữ số)",
    OwnerKind.ORGANISATION: "mã số thuế của tổ chức, doanh nghiệp (10 hoặc 10-3 chữ số)",
    OwnerKind.UNIDENTIFIED: "mã tham chiếu KDD-… của người không có số định danh",
    OwnerKind.FOREIGNER: "số hộ chiếu của người nước ngoài (HC-…)",
}

_SHAPES = {OwnerKind.CITIZEN: _PERSONAL_ID, OwnerKind.ORGANISATION: _TAX_CODE,
           OwnerKind.UNIDENTIFIED: _REFERENCE, OwnerKind.FOREIGNER: _PASSPORT}


def new_unidentified_owner() -> OwnerId:
    """A fresh reference for an owner who has no personal ID or tax code."""
    return OwnerId("KDD-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10)),
                   OwnerKind.UNIDENTIFIED)


def parse_owner_id(raw: str, kind: OwnerKind | None = None) -> OwnerId:
    """Validate ``raw`` as a personal ID (12 digits), a tax code (10 or 10-3 digits), a
    foreigner's ``HC-<country>-<passport>`` or a ``KDD-…`` reference.

    With ``kind`` (the form said whose vault it is), a number of the other kind's
    length is refused, never taken for the other kind: ten digits typed for a
    citizen are a personal ID cut short, not a company. The message names what is
    wrong in words a counter officer can act on; it never repeats the identifier
    itself, since messages end up in logs.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidOwnerId("Thiếu mã định danh chủ sở hữu (owner ID is missing)")
    if _REFERENCE.fullmatch(text.upper()):
        return OwnerId(text.upper(), OwnerKind.UNIDENTIFIED)
    passport = "".join(text.upper().split())
    if _PASSPORT.fullmatch(passport) and kind in (None, OwnerKind.FOREIGNER):
        return OwnerId(passport, OwnerKind.FOREIGNER)
    if kind is OwnerKind.UNIDENTIFIED:
        raise InvalidOwnerId("Người không có số định danh được ghi bằng mã tham chiếu KDD-… "
                             "của hệ thống; hãy đăng ký người đó trước (an owner without an "
                             "ID is named by the service's KDD-… reference)")
    if kind is not None and not _SHAPES[kind].fullmatch(text) \
            and (text.replace("-", "").isdigit() or _PASSPORT.fullmatch(passport)):
        vi, en = _EXPECTED[kind]
        digits = len(_DIGITS.findall(text))
        looks = next((other for other, shape in _SHAPES.items()
                      if other is not kind and shape.fullmatch(passport)), None)
        hint = f"; số đã nhập có dạng {_LOOKS_LIKE[looks]}" if looks else ""
        raise InvalidOwnerId(f"Mã định danh không khớp loại chủ sở hữu đã chọn — {vi}; đã "
                             f"nhập {digits} chữ số{hint} ({en}; got {digits} digits)",
                             field="owner")
    if kind is OwnerKind.FOREIGNER:
        raise InvalidOwnerId("Người nước ngoài được ghi bằng HC-, mã quốc tịch 3 chữ cái và số "
                             "hộ chiếu, ví dụ HC-FRA-C1234567 (a foreigner is named "
                             "HC-<country>-<passport number>)", field="owner")
    try:
        return _parse(text)
    except InvalidOwnerId as exc:
        raise InvalidOwnerId(str(exc), field="owner") from None


def _parse(text: str) -> OwnerId:
    if _PERSONAL_ID.fullmatch(text):
        province = int(text[:3])
        if province not in PROVINCE_CODE_RANGE:
            raise InvalidOwnerId(
                "Số định danh cá nhân không hợp lệ: 3 chữ số đầu phải là mã tỉnh 001–096 "
                "(personal ID: digits 1–3 must be a province code 001–096)"
            )
        return OwnerId(text, OwnerKind.CITIZEN)
    if _TAX_CODE.fullmatch(text):
        if not tax_check_digit_holds(text[:10]):
            raise InvalidOwnerId(
                "Mã số thuế không hợp lệ: chữ số thứ 10 (chữ số kiểm tra) không khớp với 9 chữ "
                "số đầu; hãy kiểm tra lại từng chữ số, hoặc nhập đủ 12 chữ số nếu đây là số "
                "định danh cá nhân (tax code: the check digit does not match; a personal ID "
                "has 12 digits)")
        return OwnerId(text, OwnerKind.ORGANISATION)
    digits = len(_DIGITS.findall(text))
    if text.isdigit():
        raise InvalidOwnerId(
            f"Mã định danh không hợp lệ: số định danh cá nhân phải có đúng 12 chữ số, "
            f"mã số thuế 10 chữ số hoặc 10-3 chữ số; đã nhập {digits} chữ số "
            f"(owner ID must be a 12-digit personal ID or a 10 or 10-3 digit tax code; "
            f"got {digits} digits)"
        )
    raise InvalidOwnerId(
        "Mã định danh không hợp lệ: chỉ gồm chữ số (và một dấu '-' cho mã số thuế đơn vị "
        "phụ thuộc) (owner ID may contain only digits, and one '-' in a branch tax code)"
    )


def tax_check_digit_holds(code: str) -> bool:
    """True when the tenth digit of a ten-digit tax code is its check digit."""
    remainder = sum(w * int(d) for w, d in zip(_TAX_WEIGHTS, code[:9], strict=True)) % 11
    return remainder != 0 and int(code[9]) == 10 - remainder


def is_personal_id(value: str) -> bool:
    """True for a well-formed personal ID; used to vet numbers found in a document."""
    try:
        return parse_owner_id(value).kind is OwnerKind.CITIZEN
    except InvalidOwnerId:
        return False


def is_tax_code(value: str) -> bool:
    try:
        return parse_owner_id(value).kind is OwnerKind.ORGANISATION
    except InvalidOwnerId:
        return False


def mask_id(value: str) -> str:
    """Keep the first three and last two characters: enough to tell records apart."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


_ID_IN_TEXT = re.compile(r"(?<!\d)(\d{10}-\d{3}|\d{9,13})(?!\d)"
                         r"|(?<![A-Za-z0-9])HC-[A-Za-z]{3}-[A-Za-z0-9]{5,12}(?![A-Za-z0-9])")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def mask_ids_in_text(text: str) -> str:
    """Mask every run of 9–13 digits (IDs, tax codes) and every passport key in free
    text such as a URL. A UUID
    (a document's or job's id) is left whole, though its last group may be all digits:
    operators need it to find the record, and it says nothing about a person."""
    kept = [match.span() for match in _UUID.finditer(text)]

    def mask(match: re.Match[str]) -> str:
        inside = any(start <= match.start() and match.end() <= end for start, end in kept)
        return match.group(0) if inside else mask_id(match.group(0))

    return _ID_IN_TEXT.sub(mask, text)
