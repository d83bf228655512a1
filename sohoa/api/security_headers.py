"""Headers every response carries, so a stored file is never taken for one of our pages.

An original is kept byte for byte, and a polyglot (a PDF that is also HTML) is
a valid scan; ``nosniff`` stops a browser from guessing it is HTML, and the
download's ``Content-Disposition: attachment`` keeps it off our origin's pages.
"""

from __future__ import annotations

from .asgi import HttpMiddleware, Message, Receive, Scope, Send

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


class SecurityHeaders(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [
                    *message.get("headers", []),
                    *((name, value) for name, value in HEADERS if name not in present)]}
            await send(message)

        await self.app(scope, receive, with_headers)
