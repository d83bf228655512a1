"""Every page of accepted files as a picture, for the checks that look at pixels.

Capture checks and separator detection need to see each page, not read it:
a copy about ``max_side`` pixels long is enough, and JPEG's draft mode decodes
it at a fraction of the cost of the full image.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import pikepdf
from PIL import Image

from .errors import CorruptFile, ImageTooLarge
from .formats import ScanFormat
from .intake import ScanFile


@dataclass(frozen=True)
class PagePicture:
    """One page: where it is (file and page index), its picture and its scan dpi."""

    file_index: int
    page_index: int
    image: Image.Image | None
    #: Resolution of ``image`` (the scan's dpi scaled by the downsizing).
    dpi: float | None


def page_pictures(scans: list[ScanFile], *, max_side: int = 1800) -> Iterator[PagePicture]:
    """Pictures of every page in order; ``image`` is None for a page with no scan on it."""
    for file_index, scan in enumerate(scans):
        if scan.format is ScanFormat.PDF:
            with pikepdf.open(io.BytesIO(scan.data)) as pdf:
                for page_index, page in enumerate(pdf.pages):
                    info = scan.pages[page_index]
                    yield _picture(file_index, page_index, _largest_image(page), info.dpi,
                                   max_side)
        else:
            with Image.open(io.BytesIO(scan.data)) as image:
                for page_index in range(getattr(image, "n_frames", 1)):
                    image.seek(page_index)
                    if image.format == "JPEG":
                        image.draft("RGB", (max_side, max_side))
                    full = scan.pages[page_index].width_px
                    dpi = (scan.pages[page_index].dpi or 0) * image.size[0] / max(full, 1)
                    yield _picture(file_index, page_index, image.copy(), dpi or None, max_side)


def _picture(file_index: int, page_index: int, image: Image.Image | None, dpi: float | None,
             max_side: int) -> PagePicture:
    if image is None:
        return PagePicture(file_index, page_index, None, None)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    longest = max(image.size)
    if longest > max_side:
        scale = max_side / longest
        image = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.BOX)
        dpi = dpi * scale if dpi else None
    return PagePicture(file_index, page_index, image, dpi)


def _largest_image(page: pikepdf.Page) -> Image.Image | None:
    best: pikepdf.PdfImage | None = None
    for _, raw in page.get_images().items():
        candidate = pikepdf.PdfImage(cast(pikepdf.Stream, raw))
        if best is None or candidate.width * candidate.height > best.width * best.height:
            best = candidate
    if best is None:
        return None
    try:
        return best.as_pil_image()
    except Image.DecompressionBombError:
        raise ImageTooLarge(
            f"ảnh trong trang giải mã ra quá nhiều điểm ảnh so với kích thước khai báo "
            f"{best.width}×{best.height} (the page image decodes far beyond its stated size)"
        ) from None
    except pikepdf.PdfError as exc:
        # jbig2dec and friends refuse what they cannot decode within the sandbox's memory.
        raise CorruptFile(f"không giải mã được ảnh trong trang (the page image cannot be "
                          f"decoded): {str(exc)[:200]}") from None
    except (NotImplementedError, ValueError):
        return None  # a colour space Pillow lacks: OCRmyPDF's renderer still reads it
