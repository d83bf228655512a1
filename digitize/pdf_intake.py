"""Intake of a PDF: readable, unencrypted, recent enough, no active content, real pages.

Read with pikepdf (qpdf) for the structure and with OCRmyPDF's own `PdfInfo` for
the images, so a page is measured as the OCR step will see it.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pikepdf
from ocrmypdf.pdfinfo import PdfInfo

from .errors import (
    ActiveContent,
    BadPageBox,
    CorruptFile,
    EncryptedPdf,
    ImageTooLarge,
    PdfVersionTooOld,
    TooManyPages,
    parser_words,
)
from .limits import IntakeLimits
from .page_checks import PageInfo, check_page_size, require_dpi


def check_pdf(name: str, data: bytes,
              limits: IntakeLimits) -> tuple[tuple[PageInfo, ...], bool]:
    """The pages of an acceptable PDF, and whether it carries signatures."""
    if b"%%EOF" not in data[-2048:]:
        raise CorruptFile(
            "tệp PDF bị cắt cụt hoặc hỏng: không có dấu kết thúc %%EOF "
            "(the PDF is truncated: it has no end-of-file marker)",
            filename=name,
        )
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise EncryptedPdf(
                    "tệp PDF được mã hóa; hãy quét lại hoặc gỡ mật khẩu "
                    "(the PDF is encrypted; rescan or remove the password)",
                    filename=name,
                )
            version = pdf.pdf_version
            page_count = len(pdf.pages)
            signed = is_signed(pdf)
            if page_count <= limits.max_pages:
                _check_page_boxes(name, pdf, limits)
                _refuse_active_content(name, pdf)
    except pikepdf.PasswordError:
        raise EncryptedPdf(
            "tệp PDF có mật khẩu (the PDF is password-protected)", filename=name
        ) from None
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"không đọc được tệp PDF (unreadable PDF): {parser_words(exc)}",
                          filename=name) from None
    if _version_tuple(version) < _version_tuple(limits.min_pdf_version):
        raise PdfVersionTooOld(
            f"PDF phiên bản {version} thấp hơn mức tối thiểu {limits.min_pdf_version} "
            f"(PDF version {version} is below the minimum {limits.min_pdf_version})",
            filename=name,
        )
    if page_count == 0:
        raise CorruptFile("tệp PDF không có trang nào (the PDF has no pages)", filename=name)
    if page_count > limits.max_pages:
        raise TooManyPages(
            f"{page_count} trang vượt giới hạn {limits.max_pages} trang (too many pages)",
            filename=name,
        )
    return tuple(_pdf_pages(name, data, limits)), signed


def is_signed(pdf: pikepdf.Pdf) -> bool:
    """Whether the PDF says it holds signatures (``/SigFlags`` bit 1, as OCRmyPDF reads
    it) or has a signature field with a value."""
    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary):
        return False
    if int(form.get("/SigFlags", 0)) & 1:
        return True
    fields = form.get("/Fields", pikepdf.Array())
    return any(isinstance(f, pikepdf.Dictionary) and f.get("/FT") == "/Sig" and "/V" in f
               for f in fields)


#: Keys that make a PDF do something when opened; a scanner writes none of them.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/XFA", "/RichMedia", "/Launch",
                "/EmbeddedFile"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE",
                   "/RichMediaExecute", "/Rendition", "/Sound", "/Movie"}


def _refuse_active_content(name: str, pdf: pikepdf.Pdf) -> None:
    """Scripts, launch actions, XFA forms and attachments are refused, not carried.

    The original is kept byte for byte as evidence and staff open it later; a
    scan has no business carrying any of these (ISO 19005 forbids them in PDF/A).
    Direct dictionaries (an annotation's action, the name tree) are walked too.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[object] = list(pdf.objects)
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            _check_active(name, obj)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/ObjStm":
                _check_object_stream(name, obj)
            stack.extend(obj.values())


def _check_object_stream(name: str, stream: pikepdf.Stream) -> None:
    """An object stream's count must fit its own header (each entry takes at least four
    bytes, "n off "): a count of millions in a stream of a few bytes is written to make
    a reader allocate, and Ghostscript reads such a file differently from qpdf."""
    try:
        count, first = int(stream.get("/N", -1)), int(stream.get("/First", -1))
        length = len(stream.read_bytes())
    except (TypeError, ValueError, pikepdf.PdfError):
        count, first, length = -1, -1, 0
    if count < 0 or first < 0 or count * 4 > first or first > length:
        raise CorruptFile(
            f"tệp PDF có luồng đối tượng (object stream) ghi {count} đối tượng trong "
            f"{length:,} byte, không khớp (an object stream claims more objects than it "
            f"holds)", filename=name)


def _check_page_boxes(name: str, pdf: pikepdf.Pdf, limits: IntakeLimits) -> None:
    """Each page's visible box is a real rectangle of paper size, turned by right angles.

    The PDF specification allows any two opposite corners; a scanner writes the lower
    left first, and a zero, inverted or absurd box is what makes Ghostscript or the
    stamp fail after the file was accepted, or the page render blank.
    """
    for number, page in enumerate(pdf.pages, start=1):
        try:
            x1, y1, x2, y2 = (float(v) for v in page.cropbox)
            unit = float(page.obj.get("/UserUnit", 1))
            rotate = int(page.obj.get("/Rotate", 0))
        except (TypeError, ValueError, pikepdf.PdfError):
            raise BadPageBox(f"trang {number}: khung trang không phải bốn con số (the page "
                             f"box is not four numbers)", filename=name) from None
        if x2 <= x1 or y2 <= y1 or unit <= 0:
            raise BadPageBox(
                f"trang {number}: khung trang [{x1:g} {y1:g} {x2:g} {y2:g}] rỗng hoặc bị đảo "
                f"ngược (the page box is empty or inverted)", filename=name)
        if rotate % 90:
            raise BadPageBox(f"trang {number}: góc xoay {rotate}° không phải bội của 90° "
                             f"(the page is turned by {rotate}°)", filename=name)
        check_page_size(name, number, (x2 - x1) * unit / 72 * 25.4,
                         (y2 - y1) * unit / 72 * 25.4, limits)


def _check_active(name: str, obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
    action = obj.get("/S")
    found = set(obj.keys()) & _ACTIVE_KEYS or (
        {str(action)} & _ACTIVE_ACTIONS if isinstance(action, pikepdf.Name) else set())
    if found:
        raise ActiveContent(
            f"tệp PDF chứa nội dung chủ động ({', '.join(sorted(found))}): mã lệnh, tệp "
            f"đính kèm hoặc biểu mẫu; bản quét không được có những thứ này "
            f"(the PDF carries scripts, attachments or forms; a scan never does)",
            filename=name)


def _pdf_pages(name: str, data: bytes, limits: IntakeLimits) -> list[PageInfo]:
    """Measure each page's scanned image where it is placed, as OCRmyPDF sees it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            info = PdfInfo(Path(tmp.name))
        except Exception as exc:  # noqa: BLE001 - any parse failure is a corrupt file
            raise CorruptFile(f"không phân tích được tệp PDF (cannot parse PDF): {parser_words(exc)}",
                              filename=name) from None
    pages: list[PageInfo] = []
    for page in info.pages:
        if page is None:
            raise CorruptFile("không phân tích được một trang PDF (a page could not be parsed)",
                              filename=name)
        page_area = float(page.width_inches) * float(page.height_inches)
        if page_area * limits.min_dpi ** 2 > limits.max_page_pixels:
            # Read at the legal dpi, a page this size has more pixels than any scan.
            raise ImageTooLarge(
                f"trang {page.pageno + 1}: khổ giấy {float(page.width_inches) * 2.54:.0f}×"
                f"{float(page.height_inches) * 2.54:.0f} cm quá lớn (the page is far too large)",
                filename=name)
        scan = None
        for image in page.images:
            pixels = int(image.width) * int(image.height)
            if pixels > limits.max_page_pixels:
                raise ImageTooLarge(
                    f"trang {page.pageno + 1}: ảnh {image.width}×{image.height} điểm ảnh vượt "
                    f"giới hạn {limits.max_page_pixels:,} (image has too many pixels)",
                    filename=name,
                )
            dpi_x, dpi_y = float(image.dpi.x), float(image.dpi.y)
            if dpi_x <= 0 or dpi_y <= 0:
                continue
            placed = (image.width / dpi_x) * (image.height / dpi_y)
            # Only an image covering most of the page is the scan; a logo is not.
            if placed >= 0.5 * page_area and (scan is None or placed > scan[0]):
                scan = (placed, image, min(dpi_x, dpi_y))
        if scan is None:
            pages.append(PageInfo(0, 0, None, "none", has_text=bool(page.has_text)))
            continue
        _, image, dpi = scan
        require_dpi(name, page.pageno + 1, dpi, limits)
        pages.append(PageInfo(int(image.width), int(image.height), round(dpi, 1),
                              str(getattr(image.color, "name", image.color)),
                              has_text=bool(page.has_text)))
    return pages


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return (0,)
