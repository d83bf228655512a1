"""A TCP link between two processes that a test can cut, as a WAN line is cut.

Everything between a counter node and the centre goes through it. ``cut()`` drops
every open connection at once, in whatever state it is (a request half sent, an
answer half back), and refuses new ones until ``restore()``. ``cut_at_answer``
cuts the link as the centre starts to answer the n-th request whose first line
contains a given marker: the centre has done the work, the node never hears.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttableLink:
    def __init__(self, upstream_port: int) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._up = True
        self._marker: bytes | None = None
        self._cut_at = 0
        self.requests_seen = 0
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True, name="link-accept").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_at_answer(self, marker: bytes, nth: int) -> None:
        """Cut when the answer to the ``nth`` request naming ``marker`` starts to come back."""
        with self._lock:
            self._marker, self._cut_at, self.requests_seen = marker, nth, 0

    def cut(self) -> None:
        with self._lock:
            self._up = False
            self.cuts += 1
            doomed, self._open = list(self._open), set()
        for conn in doomed:
            _close(conn)

    def restore(self) -> None:
        with self._lock:
            self._up = True

    @property
    def up(self) -> bool:
        return self._up

    def close(self) -> None:
        self.cut()
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            if not self._up:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self._upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, outbound: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if outbound:
                    self._count_requests(chunk)
                elif self._answer_must_be_cut():
                    self.cut()
                    return
                sink.sendall(chunk)
        except OSError:
            pass
        _close(source)
        _close(sink)

    def _count_requests(self, chunk: bytes) -> None:
        if self._marker is not None and self._marker in chunk:
            with self._lock:
                self.requests_seen += 1

    def _answer_must_be_cut(self) -> bool:
        with self._lock:
            if self._marker is None or self.requests_seen < self._cut_at:
                return False
            self._marker = None  # once
            return True


def _close(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    conn.close()
