"""A faster reader for PDF hex strings, installed into pyHanko's parser.

Why this exists: a PAdES signature keeps its CMS container in ``/Contents`` as a
hex string padded to the size reserved at signing (tens of kilobytes), and
pyHanko 0.38 reads hex strings one byte at a time through Python generators
(``pdf_utils.generic.read_hex_string_from_stream``). Checking one signed scan
offline took about 40 ms, more than half of it in that loop, and an archive
checks every signature of every package (issue 6's bench).

The fast path below finds the closing ``>``, and when everything before it is
hex digits and PDF whitespace (what every conforming writer produces) strips the
whitespace and unhexlifies in one call, as pypdf did for the same reason
(py-pdf/pypdf#3666). Anything else — a comment, a stray character, a missing
``>`` — goes back to pyHanko's own reader from the same position, so errors and
edge cases behave exactly as upstream's. ``tests/signing/test_hexstrings.py``
checks both readers agree. Remove this module once pyHanko reads hex strings in
bulk itself.
"""

from __future__ import annotations

import binascii
import re
from typing import IO, Any

from pyhanko.pdf_utils import generic

#: PDF whitespace (ISO 32000-1, 7.2.2): NUL, HT, LF, FF, CR, SP.
_WHITESPACE = b"\x00\t\n\x0c\r "
_HEX_AND_WHITESPACE = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_CHUNK = 1 << 16

_upstream = generic.read_hex_string_from_stream


def read_hex_string_from_stream(stream: IO[bytes]) -> Any:
    """Read ``<…>`` at the stream's position into a PDF string object."""
    start = stream.tell()
    stream.read(1)  # the opening "<"
    body = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            body += chunk[:end]
            break
        if not chunk:
            return _fall_back(stream, start)
        body += chunk
    if _HEX_AND_WHITESPACE.fullmatch(body) is None:
        return _fall_back(stream, start)
    stream.seek(start + 1 + len(body) + 1)
    digits = bytes(body).translate(None, _WHITESPACE)
    if len(digits) % 2:
        digits += b"0"  # an odd count ends as if followed by 0 (ISO 32000-1, 7.3.4.3)
    return generic.pdf_string(binascii.unhexlify(digits))


def _fall_back(stream: IO[bytes], start: int) -> Any:
    stream.seek(start)
    return _upstream(stream)


def install() -> None:
    """Make pyHanko's object parser use this reader (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
