"""The font for visible signature stamps: Liberation Serif 2, rescaled to 1000 units per em.

Liberation Serif is metric-compatible with Times New Roman (NĐ 30/2020 asks for
Times New Roman) and version 2 has every Vietnamese glyph (Debian's 1.07 lacks
about 55). pyHanko 0.38 writes glyph widths in font units for TrueType fonts
whose unitsPerEm is not 1000, which spaces Liberation's 2048-unit glyphs about
twice too wide (TOOLCHAIN.md); a copy rescaled to 1000 units avoids it.

The copy keeps only the characters Vietnamese text uses (Latin, the Vietnamese
letters and combining marks, common punctuation): pyHanko subsets the font at
every signature, and a 29 KB font instead of 374 KB makes that several times
faster.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from .errors import SigningError

LIBERATION2_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
STAMP_FONT_FILE = "LiberationSerif-Regular.ttf"
#: Basic Latin, Latin-1, Latin Extended-A, ơ/ư, combining marks, Vietnamese letters,
#: dashes, quotes, ellipsis and the đồng sign.
VIETNAMESE_TEXT = [
    *range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x1A0, 0x1B1), *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x20AB,
]
BOLD_FONT_FILE = "LiberationSerif-Bold.ttf"


class FontMissing(SigningError):
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
    target = Path(cache_dir) / f"{source.stem}-upem1000-vi2-{digest}.ttf"
    if target.exists():
        return target
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(source))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    if "FFTM" in font:  # a FontForge timestamp the subsetter cannot handle; useless here
        del font["FFTM"]
    options = subset.Options()
    # No kerning or hinting tables: precomposed Vietnamese letters need no shaping, and
    # pyHanko re-reads and re-writes the font at every signature.
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    keep = subset.Subsetter(options)
    keep.populate(unicodes=VIETNAMESE_TEXT)
    keep.subset(font)
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


@lru_cache(maxsize=8)
def _advances(path: Path) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in (font.getBestCmap() or {}).items()}
    return widths, font["head"].unitsPerEm, metrics[".notdef"][0]


def text_width(path: Path, text: str, size: float) -> float:
    """Width in points of the widest line of ``text`` set in the font at ``size``: boxes are
    sized to what they hold, whatever the agency's name."""
    widths, upem, missing = _advances(Path(path))
    lines = unicodedata.normalize("NFC", text).splitlines() or [""]
    return max(sum(widths.get(ord(ch), missing) for ch in line) for line in lines) * size / upem
