"""How a node reads the centre's answers (unit test: the centre is a fake transport).

What matters is the split: an answer that means "not now" (no connection, 5xx such
as the 503 of a centre whose storage is away, 429) keeps every document for the
next try, while a 4xx about one document sets that one aside; an expired token is
renewed once, not taken for a refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from sohoa.usecases.counter import Original
from sohoa.usecases.sync.bundle import Bundle
from sohoa.usecases.sync.link import CentreLink, CentreRefused, LinkDown

BUNDLE = Bundle(local_id="0b4e1c9a-8f7e-4d1a-9c55-1f2e3d4c5b6a", owner="001099012345",
                title="Giấy khai sinh", page_count=1, operator="Lê Thị Hoa",
                scanned_at=datetime(2026, 11, 25, tzinfo=UTC),
                originals=[Original("a.png", "image/png", b"png")], pdfa=b"%PDF-1.7 a",
                signed=b"%PDF-1.7 a signed", text="giấy khai sinh")


def _link(answer_sync: list[httpx.Response], logins: list[str]) -> CentreLink:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/auth/token":
            logins.append(request.content.decode())
            return httpx.Response(200, json={"access_token": f"token-{len(logins)}"})
        return answer_sync.pop(0)

    return CentreLink("http://centre.invalid", "diem-1", "mat-khau", timeout=5,
                      transport=httpx.MockTransport(handle))


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429, 408])
def test_a_centre_that_cannot_take_it_now_is_a_link_down(status: int) -> None:
    link = _link([httpx.Response(status, json={"error": {"code": "storage_unavailable",
                                                         "message": "…"}})], [])
    with pytest.raises(LinkDown, match=str(status)):
        link.send(BUNDLE)


def test_no_connection_is_a_link_down() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    link = CentreLink("http://centre.invalid", "diem-1", "x", timeout=5,
                      transport=httpx.MockTransport(refuse))
    with pytest.raises(LinkDown, match="ConnectError"):
        link.send(BUNDLE)


def test_a_refusal_names_the_centres_reason() -> None:
    link = _link([httpx.Response(422, json={"error": {"code": "signature_invalid",
                                                      "message": "chữ ký không hợp lệ"}})], [])
    with pytest.raises(CentreRefused) as refused:
        link.send(BUNDLE)
    assert refused.value.code == "signature_invalid"


def test_an_expired_token_is_renewed_once_and_the_upload_goes_on() -> None:
    logins: list[str] = []
    link = _link([httpx.Response(401, json={"error": {"code": "unauthorised"}}),
                  httpx.Response(201, json={"document": {"id": "c1"}, "created": True})],
                 logins)
    assert link.send(BUNDLE) == "c1"
    assert len(logins) == 2  # the first token, then a fresh one after the 401


def test_a_wrong_password_holds_the_whole_outbox_back() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"code": "login_failed", "message": "sai"}})

    link = CentreLink("http://centre.invalid", "diem-1", "sai", timeout=5,
                      transport=httpx.MockTransport(handle))
    with pytest.raises(LinkDown, match="login_failed"):
        link.send(BUNDLE)
