"""Reading a prepared page: Tesseract, the reading order of the national header,
and the per-page quality report.

The OCRmyPDF plugin in `digitize._exec.ocr_plugin` calls into here from its
worker processes; these modules know nothing of OCRmyPDF's pipeline.
"""

from .layout import order_national_header
from .quality import PageQuality, page_warnings
from .tesseract import TesseractTimeout, read_hocr
from .tree import map_to_original, mean_confidence, tree_text

__all__ = [
    "PageQuality",
    "TesseractTimeout",
    "map_to_original",
    "mean_confidence",
    "order_national_header",
    "page_warnings",
    "read_hocr",
    "tree_text",
]
