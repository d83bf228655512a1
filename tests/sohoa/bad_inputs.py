"""The bad inputs every entry point must refuse, each with the error code it must give."""

from __future__ import annotations

from tests.inputs import image_bytes, image_pdf, png_bomb, text_page

GOOD_OWNER = "001099012345"


def bad_cases() -> list[tuple[str, str, bytes, str, str]]:
    """(case id, file name, bytes, owner, expected error code)."""
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    return [
        ("truncated-pdf", "scan.pdf", pdf[: len(pdf) // 2], GOOD_OWNER, "corrupt_file"),
        ("encrypted-pdf", "scan.pdf",
         image_pdf(image_bytes(text_page(200), "JPEG", 200), encrypt=True), GOOD_OWNER,
         "encrypted_pdf"),
        ("zero-bytes", "scan.pdf", b"", GOOD_OWNER, "empty_file"),
        ("text-named-pdf", "scan.pdf", "Biên nhận hồ sơ\n".encode(), GOOD_OWNER,
         "unsupported_format"),
        ("150-dpi", "scan.jpg", image_bytes(text_page(150), "JPEG", 150), GOOD_OWNER,
         "resolution_too_low"),
        ("png-bomb", "bomb.png", png_bomb(), GOOD_OWNER, "image_too_large"),
        ("11-digit-id", "scan.pdf", pdf, "00109901234", "invalid_owner_id"),
    ]
