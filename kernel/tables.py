"""The one declarative ``Base`` every domain's tables derive from, and the column types
they share.

One ``Base`` means one metadata: Alembic sees every table, and a domain can own its
tables without importing the domain that used to hold the ``Base``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import JSON, DateTime, Enum as SqlEnum, String, Text, TypeDecorator, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapper

from .text import clean_text, cut


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite drops zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


@event.listens_for(Base, "mapper_configured", propagate=True)
def _clean_text_columns(mapper: Mapper[Any], cls: type) -> None:
    """Every text column of every model is cleaned when assigned (`kernel.text`):
    ``Text`` columns keep their line breaks, ``String`` columns are one line and are cut
    to their length, so no caller slices a value to fit (and none forgets to)."""
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if isinstance(column.type, String) and not isinstance(column.type, SqlEnum):
            multiline = isinstance(column.type, Text)
            limit = None if multiline else column.type.length
            event.listen(getattr(cls, prop.key), "set",
                         partial(_cleaned, multiline=multiline, limit=limit), retval=True)


def _cleaned(_target: object, value: Any, _old: Any, _initiator: Any, *,
             multiline: bool, limit: int | None) -> Any:
    if not isinstance(value, str):
        return value
    cleaned = clean_text(value, multiline=multiline)
    return cut(cleaned, limit) if limit else cleaned
