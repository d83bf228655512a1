"""The plaintext of a blob, or of a range of it, handed over piece by piece as it is
opened: what a download sends while the rest is still arriving."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .errors import StorageError


class Opened:
    """The plaintext of a blob, or of a range of it, as it is opened: iterate for its
    pieces (each verified before it is given), ``size`` bytes in all; close when done
    (iterating to the end closes too)."""

    def __init__(self, size: int, pieces: Iterator[bytes], close: Callable[[], None]) -> None:
        self.size = size
        self._pieces = pieces
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._pieces
        finally:
            self.close()

    def read(self) -> bytes:
        """Everything, joined."""
        return b"".join(self)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def whole_bytes(data: bytes, start: int = 0, length: int | None = None) -> Opened:
    """Bytes already in memory (and verified) as an :class:`Opened`, from ``start``."""
    end = len(data) if length is None else start + length
    if start < 0 or end > len(data) or end < start:
        raise StorageError(f"range {start}+{end - start} lies outside {len(data)} bytes")
    return Opened(end - start, iter((data[start:end] if start or end < len(data) else data,)),
                  lambda: None)
