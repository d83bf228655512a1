"""A limit on every request body, before any route or parser reads it.

File uploads (``multipart/form-data``) may be as large as the intake limits allow;
everything else — JSON, forms — is small by nature, and a 200 MB JSON body held
in memory and parsed for minutes is an attack, not a record. A declared
``Content-Length`` over the limit is refused at once, without reading the body;
a chunked body is counted as it arrives and refused when it passes the limit.
"""

from __future__ import annotations

import json

from .asgi import ASGIApp, HttpMiddleware, Message, Receive, Scope, Send

#: Room for the multipart boundaries and form fields around the files themselves.
MULTIPART_OVERHEAD = 1024 * 1024


class BodyLimit(HttpMiddleware):
    def __init__(self, app: ASGIApp, *, upload_bytes: int, other_bytes: int) -> None:
        super().__init__(app)
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD
        self.other_bytes = other_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.upload_bytes if upload else self.other_bytes
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Answer now; the app is told the client went away, and whatever
                    # it sends after is dropped.
                    refused = True
                    if not started:
                        await _refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not refused:
                raise


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": "body_too_large", "message": (
        f"nội dung yêu cầu vượt giới hạn {limit:,} byte (the request body is larger than "
        f"{limit:,} bytes)")}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
