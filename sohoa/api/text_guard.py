"""Refuse NUL characters in request text before any route sees them.

No field of ours may hold U+0000: PostgreSQL refuses it in text columns (SQLite
stores it, so the two would disagree), and no Vietnamese name, code or reason
has one. The path, the query string and JSON and form bodies are checked here and
answered 422; multipart text fields are caught by the ``DataError`` handler.
"""

from __future__ import annotations

import json

from .asgi import HttpMiddleware, Message, Receive, Scope, Send

#: How NUL is written in each place it could arrive.
_IN_URL = (b"%00", b"\x00")
_IN_JSON = b"\\u0000"
_BUFFERED = (b"application/json", b"application/x-www-form-urlencoded")


class RejectNul(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        url = bytes(scope.get("raw_path") or scope["path"].encode()) + b"?" + bytes(
            scope.get("query_string", b""))
        if "\x00" in scope["path"] or any(mark in url for mark in _IN_URL):
            await _refuse(send)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if not content_type.startswith(_BUFFERED):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        marks = (_IN_JSON, b"\x00") if content_type.startswith(b"application/json") else _IN_URL
        if any(mark in body for mark in marks):
            await _refuse(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(send: Send) -> None:
    body = json.dumps({"error": {"code": "invalid_request", "message":
                                 "Yêu cầu chứa ký tự NUL không hợp lệ (the request holds a NUL "
                                 "character)"}}).encode()
    await send({"type": "http.response.start", "status": 422, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
