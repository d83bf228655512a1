"""Alembic environment: the engine comes from sohoa, never from an ini file."""

from __future__ import annotations

from alembic import context

import accounts.models  # noqa: F401 - registers the accounts table on the shared metadata
import accounts.signing_keys  # noqa: F401 - officers' keys and held PINs
import archive.transfers  # noqa: F401 - registers the transfer records on the shared metadata
import archive.verdicts  # noqa: F401 - and the recorded PDF verdicts
import retention  # noqa: F401 - registers the legal holds and the disposals on the shared metadata
import sohoa.jobs.models  # noqa: F401 - registers the jobs table on the shared metadata
import sohoa.usecases.sync.models  # noqa: F401 - registers a node's outbox on the shared metadata
import vault  # noqa: F401 - registers the vault's tables (models, grants, audit, keys, counters)
from kernel import Base

config = context.config
target_metadata = Base.metadata


def _mapped(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    """The search index's tables are each engine's own (migration 0012): not compared."""
    return not (kind == "table" and name is not None and name.startswith("search_"))


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it; with foreign keys enforced, dropping the
            # old copy fails while other tables point at it. Checked again below.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=sqlite, include_object=_mapped)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")


run_migrations_online()
