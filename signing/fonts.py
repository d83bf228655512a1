"""The font for visible signature stamps: Liberation Serif 2, rescaled to 1000 units per em.

Liberation Serif is metric-compatible with Times New Roman (NĐ 30/2020 asks for
Times New Roman) and version 2 has every Vietnamese glyph (Debian's 1.07 lacks
about 55). pyHanko 0.38 writes glyph widths in font units for TrueType fonts
whose unitsPerEm is not 1000, which spaces Liberation's 2048-unit glyphs about
twice too wide (TOOLCHAIN.md); a copy rescaled to 1000 units avoids it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

LIBERATION2_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
STAMP_FONT_FILE = "LiberationSerif-Regular.ttf"
BOLD_FONT_FILE = "LiberationSerif-Bold.ttf"


class FontMissing(RuntimeError):
    """The stamp font is not installed (Debian package ``fonts-liberation2``)."""


def find_source_font(filename: str = STAMP_FONT_FILE) -> Path:
    for folder in LIBERATION2_DIRS:
        candidate = folder / filename
        if candidate.exists() and _has_vietnamese(candidate):
            return candidate
    raise FontMissing(
        f"{filename} with Vietnamese glyphs not found: install the Debian package fonts-liberation2"
    )


def stamp_font(cache_dir: Path, filename: str = STAMP_FONT_FILE) -> Path:
    """Path to a 1000-units-per-em copy of the stamp font, made once and cached."""
    source = find_source_font(filename)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = Path(cache_dir) / f"{source.stem}-upem1000-{digest}.ttf"
    if target.exists():
        return target
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(source))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    if "FFTM" in font:  # a FontForge timestamp the subsetter cannot handle; useless here
        del font["FFTM"]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".ttf")
    os.close(fd)
    font.save(tmp)
    os.replace(tmp, target)
    return target


def _has_vietnamese(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), lazy=True).getBestCmap() or {}
    return all(ord(ch) in cmap for ch in "ỦỹơưạếộđĐ")
