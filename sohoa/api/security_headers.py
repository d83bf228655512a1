"""Headers every response carries, and the Content-Security-Policy of every page.

An original is kept byte for byte; ``nosniff`` stops a browser from guessing a
stored file is HTML, and the download's ``Content-Disposition: attachment`` keeps
it off our origin's pages. Every HTML page gets a strict policy: scripts and styles
only from our own ``/static`` files (no inline script, no ``eval``, no inline
style), images from us or ``data:`` (the page previews), no plugins, no framing by
other sites, forms only to us. A page that needs another policy (the API docs)
sets its own and keeps it.
"""

from __future__ import annotations

from .asgi import HttpMiddleware, Message, Receive, Scope, Send

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'")
_CSP = b"content-security-policy"


class SecurityHeaders(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower(): value for name, value in headers}
                extra = [(name, value) for name, value in HEADERS if name not in present]
                html = present.get(b"content-type", b"").startswith(b"text/html")
                if html and _CSP not in present:
                    extra.append((_CSP, CONTENT_SECURITY_POLICY.encode()))
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
