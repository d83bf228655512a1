"""File answers for the screens: a safe name for the browser, and no caching of content."""

from __future__ import annotations

from fastapi.responses import Response

from ..file_responses import disposition


def attachment(data: bytes, filename: str, *, media_type: str = "application/pdf",
               inline: bool = False) -> Response:
    """``inline`` opens a PDF in the browser's viewer (to print); else it is saved."""
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": disposition(filename, inline=inline), "Cache-Control": "no-store"})
