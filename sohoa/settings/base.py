"""What every area of the settings is: a frozen model whose fields are read from
``SOHOA_<NAME>`` environment variables, ``NAME`` being the area's prefix and the field's
name unless the area names a variable itself (``ENV_NAMES``).

The variables keep the flat names the README lists; the code reads them by area
(``settings.ocr.jobs`` for ``SOHOA_OCR_JOBS``). `env.routes` derives the table between
the two from these declarations, so a new setting is one field in one area.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Area(BaseModel):
    """One area of the settings (``settings.<area>``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: What the variables of this area start with after ``SOHOA_`` (lower case).
    ENV_PREFIX: ClassVar[str] = ""
    #: Fields whose variable does not follow the prefix: field → name after ``SOHOA_``.
    ENV_NAMES: ClassVar[dict[str, str]] = {}
    #: Fields whose variable is their own name, without the prefix.
    ENV_PLAIN: ClassVar[tuple[str, ...]] = ()
