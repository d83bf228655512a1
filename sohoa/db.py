"""Database engine, sessions and migrations (Alembic, run on start-up).

Alembic loads only to migrate: a command that only reads checks the schema's revision
against the newest migration's file name (`check_schema`) instead."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from kernel import DomainError
from storage.sealing import RowSealer

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """An engine fit for threads: SQLite waits for its lock and enforces foreign keys; a
    server database gets a pool as large as the requests served at once need.

    No pre-ping: it costs a round trip on every checkout, several per request. A
    connection the server dropped fails its one request (503) and SQLAlchemy then
    discards the whole pool; ``pool_recycle`` retires connections before idle
    timeouts of proxies and firewalls do."""
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            database = url.split("///", 1)[-1]
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads that change nothing: autocommit, so a server database is not
    asked for a BEGIN and a ROLLBACK around each one (two round trips of four, for a
    typical request). Anything that writes uses ``session_factory``."""
    return sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"),
                        expire_on_commit=False)


class SchemaNotCurrent(DomainError):
    """The database is older (or newer) than this release: commands that only read do not
    migrate it; the service and ``sohoa migrate`` do."""

    code = "schema_not_current"
    http_status = 503


def head_revision() -> str:
    """The newest migration's revision: its file name starts with it (``0018_…``). Read
    from the names because Alembic takes half a second to import; a test keeps the two
    the same."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def check_schema(engine: Engine) -> None:
    """`SchemaNotCurrent` unless the database is at the newest revision."""
    with engine.connect() as connection:  # a database that does not answer raises here
        found = (connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                 if inspect(connection).has_table("alembic_version") else None)
    if found != head_revision():
        raise SchemaNotCurrent(
            f"cơ sở dữ liệu ở phiên bản {found or 'trống'}, cần {head_revision()}: hãy chạy "
            "'sohoa migrate' hoặc khởi động dịch vụ (the database schema is not current)")


def alembic_config(engine: Engine, sealer: RowSealer | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    config.attributes["sealer"] = sealer
    return config


def migrate(engine: Engine, sealer: RowSealer | None = None) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there.
    ``sealer`` seals personal data that an older release kept in clear (migration 0016)."""
    from alembic import command

    command.upgrade(alembic_config(engine, sealer), "head")
