"""Fixtures shared by the signing tests: the stamp font and a one-page colour scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing import stamp_font
from tests.inputs import image_bytes, image_pdf, text_page


@pytest.fixture(scope="session")
def font(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stamp_font(tmp_path_factory.mktemp("fonts"))


@pytest.fixture(scope="session")
def scan() -> bytes:
    """One A4 page of text, a colour 200-dpi JPEG in a PDF: what the counter signs."""
    return image_pdf(image_bytes(text_page(200), "JPEG", 200))
