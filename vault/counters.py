"""Named counters: the next dossier sequence of a day, the next copy number of a year.

``max(...) + 1`` under concurrency hands the same number to two counters that
commit at once, and the loser must retry — on PostgreSQL it cannot even see the
winner's row until it commits. A counter row updated with ``value = value + 1``
instead takes a row lock: the second caller waits a moment and gets the next
number, with no retry and no gap.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import BigInteger, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base


class Counter(Base):
    """A named counter advanced under a row lock (``vault.counters``)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def next_value(session: Session, name: str, current: Callable[[], int]) -> int:
    """Add one to counter ``name`` in the caller's transaction and return it. A counter
    seen for the first time starts at ``current()`` (the highest number already used)."""
    for _ in range(3):
        value = session.execute(update(Counter).where(Counter.name == name)
                                .values(value=Counter.value + 1)
                                .returning(Counter.value)).scalar()
        if value is not None:
            return int(value)
        savepoint = session.begin_nested()
        try:
            session.add(Counter(name=name, value=current()))
            savepoint.commit()
        except IntegrityError:  # another transaction created it first: update theirs
            savepoint.rollback()
    raise RuntimeError(f"counter {name} could not be advanced")


def peek(session: Session, name: str) -> int | None:
    return session.scalar(select(Counter.value).where(Counter.name == name))
