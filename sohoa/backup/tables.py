"""A consistent, engine-neutral dump of the database, and its load into an empty one.

Why not ``pg_dump``: a dump must come back on the engine the restored site runs
(a counter's SQLite, a province's PostgreSQL), whatever the client and server
versions installed there, and it must be taken the same way on both. So the
dump is our own gzip'd JSON lines, read from one snapshot: SQLite's online
backup API copies the file first, PostgreSQL serves every SELECT from one
REPEATABLE READ transaction. The schema is not dumped: Alembic builds it at the
dump's revision before the rows go in. The search index is left out and rebuilt
after a restore, since it is derived from the documents.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    bindparam,
    func,
    select,
    text,
)

from ..db import alembic_config, make_engine
from ..errors import BackupError

FORMAT = "sohoa-db/1"
#: Derived tables, rebuilt after a restore; and the schema's own bookkeeping.
SKIPPED_PREFIXES = ("search_", "sqlite_")
SKIPPED = {"alembic_version"}
#: Tables that hold records: a target with a row in any of them is not empty. (Others,
#: such as the audit chain's head, are seeded by the migrations themselves.)
RECORD_TABLES = ("owners", "documents", "dossiers", "file_versions")


def revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def dump_database(engine: Engine) -> tuple[bytes, dict[str, int], str]:
    """The gzip'd dump, the rows per table, and the schema revision it was taken at."""
    out = io.BytesIO()
    counts: dict[str, int] = {}
    with _snapshot(engine) as connection, gzip.GzipFile(fileobj=out, mode="wb",
                                                          mtime=0) as zipped:
        revision = revision_of(connection)
        if revision is None:
            raise BackupError("cơ sở dữ liệu chưa có lược đồ (the database has no schema)")
        _line(zipped, {"format": FORMAT, "revision": revision,
                       "dialect": engine.dialect.name})
        for table in _tables(connection):
            columns = [column.name for column in table.columns]
            _line(zipped, {"table": table.name, "columns": columns})
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order))
            counts[table.name] = 0
            for row in rows:
                _line(zipped, [_encode(value) for value in row])
                counts[table.name] += 1
    return out.getvalue(), counts, revision


def load_database(engine: Engine, dump: bytes) -> dict[str, int]:
    """Load ``dump`` into an empty database: schema at the dump's revision, rows, then
    the newest schema. Refused when the database already holds records."""
    lines = _read_lines(dump)
    header = next(lines)
    if header.get("format") != FORMAT:
        raise BackupError(f"không phải bản sao lưu CSDL của sohoa (not a sohoa dump: "
                          f"{header.get('format')!r})")
    with engine.connect() as connection:
        current = revision_of(connection)
        if current is not None:
            _refuse_if_not_empty(connection)
            if current != header["revision"]:
                raise BackupError(
                    f"CSDL đích ở phiên bản lược đồ {current}, bản sao lưu ở {header['revision']}"
                    f"; khôi phục vào CSDL trống (restore into an empty database)")
    command.upgrade(alembic_config(engine), header["revision"])
    with engine.begin() as connection:
        counts = _insert_rows(connection, lines)
    command.upgrade(alembic_config(engine), "head")
    return counts


def _insert_rows(connection: Connection, lines: Iterator[Any]) -> dict[str, int]:
    """Every table's rows in dependency order. A reference to a row that may come later
    (a file version's parent, or one pointing back at another table) is inserted empty
    and filled in once every row is in: the data may hold cycles no order satisfies."""
    ordered = _tables(connection)
    tables = {table.name: table for table in ordered}
    position = {table.name: index for index, table in enumerate(ordered)}
    for table in reversed(ordered):  # what the migrations seeded makes way for the dump
        connection.execute(table.delete())
    counts: dict[str, int] = {}
    later: list[tuple[Table, list[str], list[dict[str, Any]]]] = []
    for name, columns, rows in _table_blocks(lines):
        table = tables.get(name)
        if table is None:
            raise BackupError(f"bảng {name} không có trong lược đồ (unknown table)")
        records = [dict(zip(columns, (_decode(v) for v in row), strict=True)) for row in rows]
        late = sorted({fk.parent.name for fk in table.foreign_keys
                       if position.get(fk.column.table.name, -1) >= position[name]})
        for batch in _batches(records, 500):
            connection.execute(table.insert(), [{**r, **dict.fromkeys(late)} for r in batch])
        if late:
            later.append((table, late, [r for r in records if any(r[c] is not None
                                                                   for c in late)]))
        counts[name] = len(records)
    for table, late, records in later:
        keys = list(table.primary_key.columns)
        statement = table.update().where(*(key == bindparam(f"k_{key.name}") for key in keys))
        for batch in _batches(records, 500):
            connection.execute(statement, [
                {**{f"k_{key.name}": r[key.name] for key in keys}, **{c: r[c] for c in late}}
                for r in batch])
    if connection.dialect.name == "postgresql":
        _advance_sequences(connection, ordered)
    return counts


# -- reading one snapshot -----------------------------------------------------------------

@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sohoa-backup-") as folder:
            copy = Path(folder) / "snapshot.db"
            raw = engine.raw_connection()
            try:
                target = sqlite3.connect(copy)
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
                target.close()
            finally:
                raw.close()
            snapshot = make_engine(f"sqlite:///{copy}")
            try:
                with snapshot.connect() as connection:
                    yield connection
            finally:
                snapshot.dispose()
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, \
            connection.begin():
        yield connection


def _tables(connection: Connection) -> list[Table]:
    metadata = MetaData()
    metadata.reflect(connection)
    return [table for table in metadata.sorted_tables
            if table.name not in SKIPPED and not table.name.startswith(SKIPPED_PREFIXES)]


def _refuse_if_not_empty(connection: Connection) -> None:
    for table in _tables(connection):
        if table.name not in RECORD_TABLES:
            continue
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(
                f"CSDL đích đã có dữ liệu (bảng {table.name}); chỉ khôi phục vào hệ thống "
                f"trống (the target database is not empty)")


def _advance_sequences(connection: Connection, tables: Any) -> None:
    """Serial keys go on after the largest restored value."""
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) "
                    f"FROM {table.name}"))


# -- the line format ------------------------------------------------------------------------

def _line(out: gzip.GzipFile, value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")


def _read_lines(dump: bytes) -> Iterator[Any]:
    with gzip.GzipFile(fileobj=io.BytesIO(dump)) as zipped:
        for raw in zipped:
            yield json.loads(raw)


def _table_blocks(lines: Iterator[Any]) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    name: str | None = None
    columns: list[str] = []
    rows: list[list[Any]] = []
    for line in lines:
        if isinstance(line, dict):
            if name is not None:
                yield name, columns, rows
            name, columns, rows = line["table"], line["columns"], []
        else:
            rows.append(line)
    if name is not None:
        yield name, columns, rows


def _batches(records: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(records), size):
        yield records[start:start + size]


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict | list):
        return {"$j": value}
    return value


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    (tag, body), = value.items()
    if tag == "$b":
        return base64.b64decode(body)
    if tag == "$t":
        return datetime.fromisoformat(body)
    if tag == "$d":
        return date.fromisoformat(body)
    if tag == "$n":
        return Decimal(body)
    return body
