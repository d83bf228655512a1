"""The node's HTTP link to the centre: log in with the node's account, send a bundle.

Two kinds of failure, handled differently by the sync loop: the link is down
(no connection, a time-out, 5xx, 429 — try the whole outbox again later, with a
growing wait) or the centre refused this one document (4xx — record why and go
on with the others).
"""

from __future__ import annotations

import httpx

from .bundle import Bundle

SYNC_PATH = "/api/v1/sync/documents"
TOKEN_PATH = "/api/v1/auth/token"


class LinkDown(Exception):
    """The centre cannot be reached now, or cannot take documents now."""


class CentreRefused(Exception):
    """The centre looked at the document and said no: sending it again will not help."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CentreLink:
    def __init__(self, url: str, username: str, password: str, *, timeout: float,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout,
                                    transport=transport)
        self._username, self._password = username, password
        self._token: str | None = None

    def close(self) -> None:
        self._client.close()

    def send(self, bundle: Bundle) -> str:
        """The document's id at the centre (filed now, or before under the same key)."""
        for fresh_login in (False, True):
            if self._token is None or fresh_login:
                self._token = self._login()
            answer = self._request("POST", SYNC_PATH, data={"manifest": bundle.manifest()},
                                   files=bundle.multipart(),
                                   headers={"Authorization": f"Bearer {self._token}"})
            if answer.status_code != 401:
                break
        if answer.status_code in (200, 201):
            document_id: str = answer.json()["document"]["id"]
            return document_id
        code, message = _error(answer)
        raise CentreRefused(code, message)

    def _login(self) -> str:
        answer = self._request("POST", TOKEN_PATH, data={"username": self._username,
                                                         "password": self._password})
        if answer.status_code != 200:
            code, message = _error(answer)
            # A wrong password is not a document's fault: the whole outbox waits for it.
            raise LinkDown(f"trung tâm từ chối tài khoản của điểm (the centre refused the "
                           f"node's account): {code}: {message}")
        token: str = answer.json()["access_token"]
        return token

    def _request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        try:
            answer = self._client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise LinkDown(f"không kết nối được trung tâm (cannot reach the centre): "
                           f"{type(exc).__name__}: {exc}") from None
        if answer.status_code >= 500 or answer.status_code in (408, 429):
            code, message = _error(answer)
            raise LinkDown(f"trung tâm tạm thời không nhận (the centre cannot take it now): "
                           f"HTTP {answer.status_code} {code}: {message}")
        return answer


def _error(answer: httpx.Response) -> tuple[str, str]:
    try:
        error = answer.json().get("error") or {}
        return str(error.get("code", f"http_{answer.status_code}")), str(error.get("message", ""))
    except ValueError:
        return f"http_{answer.status_code}", answer.text[:200]
