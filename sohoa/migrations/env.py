"""Alembic environment: the engine comes from sohoa, never from an ini file."""

from __future__ import annotations

from alembic import context

import sohoa.accounts.models  # noqa: F401 - registers the accounts table on the shared metadata
import sohoa.jobs.models  # noqa: F401 - registers the jobs table on the shared metadata
from vault.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
