"""A corpus of malformed and malicious files, made by the tests themselves.

Each maker returns the bytes of one file an attacker, a broken scanner or a
confused citizen could send; none of them is read from disk, so the corpus
is the same on every clone. The bombs are small on the wire and huge once
decoded, which is the point.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from PIL import Image

from tests.inputs import image_bytes, image_pdf, png_bomb, text_page


@dataclass(frozen=True)
class HostileFile:
    """One file of the corpus and what the service must answer to it."""

    case: str
    name: str
    data: bytes
    #: The HTTP status expected (202: accepted and processed safely).
    status: int
    #: The error codes acceptable for a refusal (empty for an accepted file).
    codes: frozenset[str] = frozenset()


def scan_jpeg() -> bytes:
    return image_bytes(text_page(200, mode="RGB"), "JPEG", 200)


def scan_pdf() -> bytes:
    return image_pdf(scan_jpeg())


def edited_scan(edit: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
    with pikepdf.open(io.BytesIO(scan_pdf())) as pdf:
        edit(pdf)
        out = io.BytesIO()
        pdf.save(out, **save)  # type: ignore[arg-type]
        return out.getvalue()


def javascript_open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned')")))


def _javascript_names(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                  JS=pikepdf.String("this.exportDataObject()")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("a"), action])))


def _launch_annotation(pdf: pikepdf.Pdf) -> None:
    annotation = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 600, 800],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([annotation]))


def _attachment(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00" * 64)


def many_pages_pdf(count: int = 10_000) -> bytes:
    """``count`` empty pages (a few hundred KB): cheap to send, costly to process."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
                     *[page] * count])


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand, with a correct xref, from ``objects`` numbered from 1."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _page_objects(content: bytes, *, resources: bytes = b"<< >>",
                  media_box: bytes = b"[0 0 595 842]") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" /Resources "
        + resources + b" /Contents 4 0 R >>",
        content,
    ]


def pdf_stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def deeply_nested_pdf(depth: int = 100_000) -> bytes:
    nested = b"[" * depth + b"]" * depth
    objects = _page_objects(pdf_stream(b"q Q"))
    objects[2] = objects[2].replace(b"/Contents", b"/Nest " + nested + b" /Contents")
    return raw_pdf(objects)


def reference_loop_pdf() -> bytes:
    """Pages whose tree points back at itself: a naive walker never ends."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        pdf_stream(b"q Q"),
    ])


def inflating(megabytes: int, byte: bytes = b" ") -> bytes:
    """A zlib stream of ``megabytes`` MB of ``byte``, built in milliseconds.

    After a full flush deflate starts afresh, so every 1 MB block compresses to
    the same bytes: compress one, repeat it, and close with the checksum.
    """
    chunk = byte * (1024 * 1024)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    # b"\x03\x00" is an empty final block with fixed codes.
    return first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", checksum)


def flate_bomb_pdf(inflated_mb: int = 2048) -> bytes:
    """A page whose content stream is a few MB on the wire and ``inflated_mb`` inflated."""
    return raw_pdf(_page_objects(pdf_stream(inflating(inflated_mb), b"/Filter /FlateDecode")))


def huge_page_pdf() -> bytes:
    """A vector page 200 inches square: rasterised for OCR it would be 1.6 Gpx."""
    return raw_pdf(_page_objects(pdf_stream(b"0 0 m 14400 14400 l S"),
                                  media_box=b"[0 0 14400 14400]"))


def _jbig2_segment(number: int, kind: int, data: bytes) -> bytes:
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def jbig2_pdf(*, stated: tuple[int, int], real: tuple[int, int]) -> bytes:
    """A page image whose dictionary says ``stated`` pixels and whose JBIG2 stream
    says ``real``: a decoder believes the stream and allocates the page bitmap."""
    page_info = struct.pack(">IIIIBH", real[0], real[1], 0, 0, 0, 0)
    stream = _jbig2_segment(0, 48, page_info) + _jbig2_segment(1, 49, b"")
    width_pt, height_pt = stated[0] * 72 / 200, stated[1] * 72 / 200
    image = pdf_stream(stream, b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                    b"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode"
                    % stated)
    content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (width_pt, height_pt)
    objects = _page_objects(pdf_stream(content), resources=b"<< /XObject << /Im0 5 0 R >> >>",
                            media_box=b"[0 0 %.2f %.2f]" % (width_pt, height_pt))
    return raw_pdf([*objects, image])


def tiff_bomb(side: int = 200_000) -> bytes:
    """A TIFF header that claims ``side``² pixels and holds almost none."""
    entries = [
        (256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 8), (259, 3, 1, 1),
        (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, side),
        (279, 4, 1, 16),
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, count, value) for tag, kind, count, value in entries
    ) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 24) + b"\x00" * 16 + ifd


def jpeg_bomb(side: int = 65_000) -> bytes:
    """A JPEG whose frame header claims ``side``² pixels."""
    real = scan_jpeg()
    at = real.index(b"\xff\xc0")
    frame = bytearray(real[at:at + 2 + struct.unpack(">H", real[at + 2:at + 4])[0]])
    frame[5:9] = struct.pack(">HH", side, side)
    return real[:at] + bytes(frame) + real[at + len(frame):]


def png_text_bomb() -> bytes:
    """A real page whose zTXt chunk inflates to 256 MB of text."""
    body = b"Comment\x00\x00" + inflating(256, b"A")
    chunk = (struct.pack(">I", len(body)) + b"zTXt" + body
             + struct.pack(">I", zlib.crc32(b"zTXt" + body) & 0xFFFFFFFF))
    page = image_bytes(text_page(200), "PNG", 200)
    at = page.index(b"IDAT") - 4
    return page[:at] + chunk + page[at:]


def many_frames_tiff(count: int = 10_000) -> bytes:
    """A TIFF of ``count`` 8×8 frames that all share one strip of pixels."""
    strip_at, first_ifd = 8, 8 + 64
    entries = [(256, 3, 1, 8), (257, 3, 1, 8), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, strip_at), (277, 3, 1, 1), (278, 3, 1, 8),
               (279, 4, 1, 64)]
    size = 2 + 12 * len(entries) + 4
    ifds = []
    for index in range(count):
        following = first_ifd + (index + 1) * size if index + 1 < count else 0
        ifds.append(struct.pack("<H", len(entries)) + b"".join(
            struct.pack("<HHII", tag, kind, number, value)
            for tag, kind, number, value in entries) + struct.pack("<I", following))
    return b"II*\x00" + struct.pack("<I", first_ifd) + b"\xff" * 64 + b"".join(ifds)


def tiny_png(side: int = 40, dpi: int = 600) -> bytes:
    """A page of ``side`` pixels square at ``dpi``: a couple of millimetres of paper."""
    return image_bytes(Image.new("L", (side, side), "white"), "PNG", dpi)


def tiff_page_loop() -> bytes:
    """A real page whose chain of pages (IFDs) points back at its own first page."""
    out = io.BytesIO()
    text_page(200).save(out, format="TIFF", dpi=(200, 200), compression="packbits")
    data = bytearray(out.getvalue())
    (first,) = struct.unpack("<I", data[4:8])
    (entries,) = struct.unpack("<H", data[first:first + 2])
    at = first + 2 + 12 * entries
    data[at:at + 4] = struct.pack("<I", first)
    return bytes(data)


def _page_box(box: list[float]) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].MediaBox = pikepdf.Array(box)
    return edit


def _page_key(key: str, value: object) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0][key] = value
    return edit


def object_stream_lie() -> bytes:
    """An object stream that claims two billion objects in eight bytes."""
    objects = _page_objects(pdf_stream(b"q Q"))
    return raw_pdf([*objects, pdf_stream(b"1 0 2 5 ", b"/Type /ObjStm /N 2000000000 /First 8")])


def zip_archive(comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.sh", "#!/bin/sh\nrm -rf ~\n")
        archive.comment = comment
    return out.getvalue()


def pdf_zip_in_comment() -> bytes:
    """A PDF whose last bytes are a ZIP directory: its comment is the PDF's ``%%EOF``, so
    both a PDF reader and an unzip tool open it."""
    pdf = scan_pdf()
    return pdf[:pdf.rfind(b"%%EOF")] + zip_archive(b"%%EOF\n")


def jpeg_with_comment(comment: bytes) -> bytes:
    """A real scan with ``comment`` in a COM segment right after the JPEG's start."""
    jpeg = scan_jpeg()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


def hostile_files() -> list[HostileFile]:
    """The corpus: every file an upload endpoint may meet, with its required answer."""
    pdf, jpeg = scan_pdf(), scan_jpeg()
    png = image_bytes(text_page(200, mode="RGB"), "PNG", 200)
    refused = frozenset
    return [
        HostileFile("truncated-pdf", "scan.pdf", pdf[: len(pdf) // 2], 422,
                    refused({"corrupt_file"})),
        HostileFile("truncated-jpeg", "scan.jpg", jpeg[: len(jpeg) // 2], 422,
                    refused({"corrupt_file"})),
        HostileFile("encrypted-pdf", "scan.pdf", image_pdf(jpeg, encrypt=True), 422,
                    refused({"encrypted_pdf"})),
        HostileFile("owner-password-pdf", "scan.pdf",
                    edited_scan(lambda _: None, encryption=pikepdf.Encryption(owner="o", user="")),
                    422, refused({"encrypted_pdf"})),
        HostileFile("javascript-open-action", "scan.pdf", edited_scan(javascript_open_action),
                    422, refused({"active_content"})),
        HostileFile("javascript-name-tree", "scan.pdf", edited_scan(_javascript_names), 422,
                    refused({"active_content"})),
        HostileFile("launch-action", "scan.pdf", edited_scan(_launch_annotation), 422,
                    refused({"active_content"})),
        HostileFile("attached-executable", "scan.pdf", edited_scan(_attachment), 422,
                    refused({"active_content"})),
        HostileFile("ten-thousand-pages", "scan.pdf", many_pages_pdf(), 413,
                    refused({"too_many_pages"})),
        HostileFile("deep-nesting", "scan.pdf", deeply_nested_pdf(), 422,
                    refused({"corrupt_file"})),
        HostileFile("page-tree-loop", "scan.pdf", reference_loop_pdf(), 422,
                    refused({"corrupt_file"})),
        HostileFile("flate-bomb", "scan.pdf", flate_bomb_pdf(), 422,
                    refused({"parse_limit_exceeded", "corrupt_file"})),
        HostileFile("huge-vector-page", "scan.pdf", huge_page_pdf(), 413,
                    refused({"image_too_large"})),
        HostileFile("png-bomb", "bomb.png", png_bomb(), 413, refused({"image_too_large"})),
        HostileFile("tiff-bomb", "bomb.tif", tiff_bomb(), 413, refused({"image_too_large"})),
        HostileFile("jpeg-bomb", "bomb.jpg", jpeg_bomb(), 413, refused({"image_too_large"})),
        HostileFile("jbig2-stated-bomb", "scan.pdf",
                    jbig2_pdf(stated=(200_000, 200_000), real=(64, 64)), 413,
                    refused({"image_too_large"})),
        HostileFile("jbig2-lying-bomb", "scan.pdf",
                    jbig2_pdf(stated=(1654, 2339), real=(100_000, 100_000)), 422,
                    refused({"parse_limit_exceeded", "corrupt_file"})),
        HostileFile("png-text-bomb", "scan.png", png_text_bomb(), 422, refused({"corrupt_file"})),
        HostileFile("ten-thousand-frames", "scan.tif", many_frames_tiff(), 413,
                    refused({"too_many_pages"})),
        HostileFile("heic-garbage", "photo.heic",
                    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\xde\xad" * 500,
                    422, refused({"corrupt_file"})),
        HostileFile("zero-bytes", "scan.pdf", b"", 422, refused({"empty_file"})),
        HostileFile("executable-named-pdf", "scan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500,
                    415, refused({"unsupported_format"})),
        HostileFile("svg-script-named-png", "scan.png",
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                    415, refused({"unsupported_format"})),
        HostileFile("html-named-pdf", "scan.pdf", b"<html><body onload=alert(1)>", 415,
                    refused({"unsupported_format"})),
        HostileFile("zip-named-tiff", "scan.tiff", b"PK\x03\x04" + b"\x00" * 200, 415,
                    refused({"unsupported_format"})),
        HostileFile("gif", "scan.gif", image_bytes(text_page(200).convert("P"), "GIF", None),
                    415, refused({"unsupported_format"})),
        HostileFile("tiny-page", "scan.png", tiny_png(), 422, refused({"page_too_small"})),
        HostileFile("one-pixel", "dot.png", tiny_png(1, 300), 422, refused({"page_too_small"})),
        HostileFile("tiff-page-loop", "scan.tif", tiff_page_loop(), 422,
                    refused({"corrupt_file"})),
        HostileFile("zero-media-box", "scan.pdf", edited_scan(_page_box([0, 0, 0, 0])), 422,
                    refused({"bad_page_box"})),
        HostileFile("inverted-media-box", "scan.pdf",
                    edited_scan(_page_box([0, 0, -595, -842])), 422, refused({"bad_page_box"})),
        HostileFile("rotated-45-degrees", "scan.pdf", edited_scan(_page_key("/Rotate", 45)),
                    422, refused({"bad_page_box"})),
        HostileFile("user-unit-giant", "scan.pdf",
                    edited_scan(_page_key("/UserUnit", 75_000)), 413,
                    refused({"image_too_large"})),
        HostileFile("object-stream-lie", "scan.pdf", object_stream_lie(), 422,
                    refused({"corrupt_file"})),
        HostileFile("html-pdf-polyglot", "scan.pdf",
                    b"<html><script>alert(document.cookie)</script></html>\n" + pdf, 422,
                    refused({"polyglot_file"})),
        HostileFile("pdf-zip-polyglot", "scan.pdf", pdf + zip_archive(), 422,
                    refused({"polyglot_file"})),
        HostileFile("pdf-zip-in-eof-comment", "scan.pdf", pdf_zip_in_comment(), 422,
                    refused({"polyglot_file"})),
        HostileFile("pdf-after-a-byte-order-mark", "scan.pdf", b"\xef\xbb\xbf" + pdf, 422,
                    refused({"polyglot_file"})),
        HostileFile("png-zip-polyglot", "scan.png", png + zip_archive(), 422,
                    refused({"polyglot_file"})),
        HostileFile("jpeg-carrying-html", "scan.jpg",
                    jpeg_with_comment(b"<html><body onload=alert(1)></body></html>"), 422,
                    refused({"polyglot_file"})),
        HostileFile("jpeg-carrying-pdf", "scan.jpg", jpeg_with_comment(pdf[:400]), 422,
                    refused({"polyglot_file"})),
        # Accepted and processed: what phones and cameras write is no polyglot.
        HostileFile("jpeg-with-a-second-picture", "IMG_0001.jpg", jpeg + scan_jpeg()[:4096],
                    202),
        HostileFile("decomposed-vietnamese-name", "Quye\u0302\u0301t \u0111i\u0323nh.png",
                    png, 202),
        HostileFile("pdf-named-jpg", "scan.jpg", pdf, 202),
        HostileFile("path-traversal-name", "../../../../etc/cron.d/sohoa.png", png, 202),
        HostileFile("control-characters-name", "a\x00\x1b[31m\t\u202egnp.exe" + "x" * 150
                    + ".png", png, 202),
        HostileFile("oversized-name", "x" * 5000 + ".png", png, 400, refused({"http_error"})),
        HostileFile("header-injection-name", "a.png\r\nContent-Type: text/html\r\n\r\n<script>",
                    png, 202),
    ]
