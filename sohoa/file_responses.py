"""Files as HTTP answers, for the API and the screens alike: sent while they are read
from the vault, a byte range when the client asks for one (RFC 9110 §14), with a name
the browser can save and no caching of content."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse

from vault import OpenedFile, RangeNotSatisfiable

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def disposition(filename: str, *, inline: bool = False) -> str:
    """``Content-Disposition`` with an ASCII name and the real one (RFC 6266)."""
    plain = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def requested_range(header: str | None) -> Callable[[int], tuple[int, int]] | None:
    """What a ``Range`` header asks of a file, as ``(start, length)`` from its size;
    None to send it all. One range is served; several, another unit or a malformed
    header are ignored (the whole file is sent), as RFC 9110 allows. A range that
    starts past the end is refused (416)."""
    match = _RANGE.match(header) if header else None
    if match is None or (not match[1] and not match[2]):
        return None
    first, last = match[1], match[2]

    def pick(size: int) -> tuple[int, int]:
        if not first:  # the last N bytes
            length = min(int(last), size)
            if length == 0:
                raise RangeNotSatisfiable("khoảng byte yêu cầu nằm ngoài tệp (the range asked "
                                          "for lies outside the file)", size=size)
            return size - length, length
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if start >= size or end < start:
            raise RangeNotSatisfiable("khoảng byte yêu cầu nằm ngoài tệp (the range asked for "
                                      "lies outside the file)", size=size)
        return start, end - start + 1

    return pick


def streamed(opened: OpenedFile, *, ranged: bool, inline: bool = False,
             headers: dict[str, str] | None = None) -> Response:
    """The file as it is read: 206 with ``Content-Range`` when a range was asked for."""
    answer = {"Content-Disposition": disposition(opened.filename, inline=inline),
              "Content-Length": str(opened.length), "Accept-Ranges": "bytes",
              "Cache-Control": "no-store", **(headers or {})}
    if ranged:
        answer["Content-Range"] = (f"bytes {opened.start}-{opened.start + opened.length - 1}"
                                   f"/{opened.size}")
    return StreamingResponse(iter(opened.content), status_code=206 if ranged else 200,
                             media_type=opened.media_type, headers=answer)

