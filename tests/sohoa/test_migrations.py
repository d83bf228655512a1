"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command

from sohoa.db import alembic_config, make_engine, migrate


def test_migrations_match_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    command.check(alembic_config(engine))  # raises if autogenerate would find a difference


def test_migrating_twice_is_harmless(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    migrate(engine)
