"""Drawing the thumbnails of papers filed before thumbnails existed (``sohoa thumbnails``).

New papers get theirs when they are filed (``counter``, ``results``). Each older one is
read once, as the service, for this purpose — the read is in the owner's access log,
as every read is — and its first page drawn small from the copy a person would look at.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

from PIL import Image, UnidentifiedImageError

from digitize.thumbnail import THUMBNAIL_WIDTH, thumbnail
from kernel import Viewer
from vault import DocumentRecord, FileRole

from .needs import VaultWork

ACTOR = "system:thumbnails"
PURPOSE = "vẽ ảnh thu nhỏ cho danh sách"


def best_variant(document: DocumentRecord) -> FileRole:
    """What a person should look at: the signed copy, else the searchable one, else the scan."""
    for role in (FileRole.SIGNED, FileRole.PDFA, FileRole.ORIGINAL):
        if document.file(role.value):
            return role
    return FileRole.ORIGINAL


def backfill(services: VaultWork,
             progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Draw what is missing; (drawn, could not be drawn)."""
    viewer = Viewer.system(ACTOR)
    drawn = failed = 0
    for document in services.vault.filing.without_thumbnail():
        stored = services.vault.documents.read_file(
            document.id, best_variant(document).value, viewer=viewer, purpose=PURPOSE)
        picture = (thumbnail(stored.data) if stored.media_type == "application/pdf"
                   else _image_thumbnail(stored.data))
        if picture is None:
            failed += 1
        else:
            services.vault.filing.set_thumbnail(document.id, picture)
            drawn += 1
        if progress is not None:
            progress(drawn + failed, 0)
    return drawn, failed


def _image_thumbnail(data: bytes) -> str | None:
    """A scan kept as an image (JPEG, PNG, TIFF): its first frame, small."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 2))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=70, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
