"""Each request, once: a line in our own access log (uvicorn's would print personal IDs
from URLs in clear) and a count and a duration in the metrics, by route template."""

from __future__ import annotations

import logging
import time

from kernel import mask_ids_in_text

from ..metrics import REQUEST_SECONDS, REQUESTS
from .asgi import HttpMiddleware, Message, Receive, Scope, Send

log = logging.getLogger("sohoa.access")


class AccessLog(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # The route's template, never the path: paths carry personal IDs.
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            REQUEST_SECONDS.labels(route).observe(elapsed)
            if log.isEnabledFor(logging.INFO):
                log.info("%s %s %d %.0fms", scope["method"], mask_ids_in_text(scope["path"]),
                         status, elapsed * 1000)
