"""File answers for the screens: a safe name for the browser, and no caching of content."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def attachment(data: bytes, filename: str, *, media_type: str = "application/pdf",
               inline: bool = False) -> Response:
    """``inline`` opens a PDF in the browser's viewer (to print); else it is saved."""
    plain = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    disposition = "inline" if inline else "attachment"
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"{disposition}; filename=\"{plain}\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})
