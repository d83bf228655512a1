"""Reading an uploaded file without trusting its size."""

from __future__ import annotations

from fastapi import UploadFile

from digitize import FileTooLarge


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The file's bytes; FileTooLarge (413) as soon as it passes ``limit``, unread beyond."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"tệp vượt giới hạn {limit:,} byte (file exceeds the size limit)",
                           filename=upload.filename)
    return data
