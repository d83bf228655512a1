"""The fast hex-string reader gives what pyHanko's own reader gives, errors included."""

from __future__ import annotations

import io
import os

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from signing import hexstrings

SIGNATURE_LIKE = b"<" + os.urandom(6000).hex().encode() + b"0" * 20000 + b">"

AGREEING = [
    b"<>",
    b"<4E6F76>",
    b"<4e6f76>",
    b"<4E6F7>",  # odd: the last digit is followed by an implied 0
    b"< 4E 6F\n76\r\n\t\x0c\x00>",
    b"<FEFF0054006900EA0303006E0067>",  # UTF-16BE text: a text string, not bytes
    b"<%comment\n4E6F>",  # comments go back to the upstream reader
    SIGNATURE_LIKE,
    SIGNATURE_LIKE.replace(b"00", b"00\n", 50),
]

FAILING = [
    b"<4E6G>",  # not a hex digit
    b"<4E6F",  # never closed
    b"<4E 6F" + b"0" * (1 << 17),  # never closed, longer than a read chunk
]


def read(reader: object, data: bytes, trailer: bytes = b" /Next 1") -> tuple[object, int]:
    stream = io.BytesIO(data + trailer)
    value = reader(stream)  # type: ignore[operator]
    return value, stream.tell()


@pytest.mark.parametrize("data", AGREEING, ids=range(len(AGREEING)))
def test_the_fast_reader_returns_what_pyhanko_returns(data: bytes) -> None:
    fast, fast_at = read(hexstrings.read_hex_string_from_stream, data)
    slow, slow_at = read(hexstrings._upstream, data)
    assert type(fast) is type(slow)
    assert fast == slow
    assert fast_at == slow_at == len(data)  # both stop right after ">"


@pytest.mark.parametrize("data", FAILING, ids=range(len(FAILING)))
def test_the_fast_reader_fails_where_pyhanko_fails(data: bytes) -> None:
    for reader in (hexstrings.read_hex_string_from_stream, hexstrings._upstream):
        with pytest.raises(PdfStreamError):
            read(reader, data, trailer=b"")


def test_pyhanko_parses_through_the_fast_reader_once_signing_is_imported() -> None:
    assert generic.read_hex_string_from_stream is hexstrings.read_hex_string_from_stream
    parsed = generic.read_object(io.BytesIO(b"<3082AB> 1 0 R"), None)  # type: ignore[arg-type]
    assert parsed.original_bytes == b"\x30\x82\xab"
