"""Login rate limiting: failed attempts counted per username and per client address.

After ``max_failures`` failures within ``window`` seconds, further attempts are
refused until the window ends, whether or not the password is right — so a
guesser learns nothing. Counters live in Redis when the service runs as several
processes, in memory on the embedded default.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Protocol

from kernel import DomainError


class Counter(Protocol):
    def hit(self, key: str, window: int) -> int:
        """Add one to ``key`` and return its count within the current window."""
        ...

    def count(self, key: str) -> int: ...

    def ttl(self, key: str) -> int: ...

    def reset(self, key: str) -> None: ...


class MemoryCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def _live(self, key: str) -> tuple[int, float]:
        count, until = self._counts.get(key, (0, 0.0))
        return (count, until) if until > time.monotonic() else (0, 0.0)

    def hit(self, key: str, window: int) -> int:
        with self._lock:
            count, until = self._live(key)
            if count == 0:
                until = time.monotonic() + window
            self._counts[key] = (count + 1, until)
            if len(self._counts) > 100_000:  # forget finished windows
                now = time.monotonic()
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count + 1

    def count(self, key: str) -> int:
        with self._lock:
            return self._live(key)[0]

    def ttl(self, key: str) -> int:
        with self._lock:
            return max(0, int(self._live(key)[1] - time.monotonic()) + 1)

    def reset(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisCounter:
    """Fixed-window counters shared by every process of the service."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, key: str, window: int) -> int:
        with self._redis.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
            count, _ = pipe.execute()
        return int(count)

    def count(self, key: str) -> int:
        return int(self._redis.get(key) or 0)

    def ttl(self, key: str) -> int:
        return max(0, int(self._redis.ttl(key)))

    def reset(self, key: str) -> None:
        self._redis.delete(key)


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    http_status = 429
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"quá nhiều lần đăng nhập sai, thử lại sau {retry_after} giây "
                         f"(too many failed logins; try again in {retry_after} s)")
        self.retry_after = retry_after


class LoginLimiter:
    """``max_failures`` per username; ``max_client_failures`` per address, higher because a
    commune office or a mobile network puts many people behind one address."""

    def __init__(self, counter: Counter, *, max_failures: int, max_client_failures: int,
                 window: int) -> None:
        self._counter = counter
        self._limits = (max_failures, max_client_failures)
        self.window = window

    @staticmethod
    def _keys(username: str, client: str) -> tuple[str, str]:
        # Hashed, so that Redis never holds a username (often a personal ID) in clear.
        def key(kind: str, value: str) -> str:
            return f"sohoa:login:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]
        return key("user", username.strip().lower()), key("client", client)

    def check(self, username: str, client: str) -> None:
        """Raise TooManyAttempts while either counter is at its limit."""
        for key, limit in zip(self._keys(username, client), self._limits, strict=True):
            if self._counter.count(key) >= limit:
                raise TooManyAttempts(self._counter.ttl(key))

    def failed(self, username: str, client: str) -> None:
        for key in self._keys(username, client):
            self._counter.hit(key, self.window)

    def succeeded(self, username: str, client: str) -> None:
        self._counter.reset(self._keys(username, client)[0])
