"""Accounts and logging in: argon2 hashes, signed expiring tokens, rate limits, admin CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from accounts.limiter import LoginLimiter, RedisCounter, TooManyAttempts
from accounts.models import Account
from accounts.service import AccountError, LoginFailed
from accounts.tokens import InvalidToken, TokenSigner
from kernel import Role
from sohoa.cli import app
from sohoa.services import Services
from tests.service_fixtures import PASSWORD, login, make_account
from tests.services import Redis

CITIZEN = "001099012345"


def test_passwords_are_stored_as_argon2id_hashes(services: Services) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    with services.sessions() as session:
        stored = session.scalar(select(Account.password_hash).where(Account.username == "congdan"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_token_names_the_account_and_works_until_it_expires(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    headers = login(anonymous, "congdan")
    me = anonymous.get("/api/v1/me", headers=headers).json()["account"]
    assert me["role"] == "citizen" and me["owner"] == CITIZEN
    assert PASSWORD not in json.dumps(me) and "argon2" not in json.dumps(me)
    assert "password_hash" not in me

    signer = TokenSigner(services.settings.token_secret_bytes(), timedelta(minutes=5),
                         issuer=services.settings.server.public_url)
    account_id = me["id"]
    old = signer.issue(account_id, "citizen", now=datetime.now(UTC) - timedelta(minutes=6))
    expired = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {old.token}"})
    assert expired.status_code == 401 and "hết hạn" in expired.json()["error"]["message"]
    assert expired.headers["www-authenticate"] == "Bearer"
    forged = TokenSigner(b"x" * 32, timedelta(minutes=5), issuer=services.settings.server.public_url)
    with pytest.raises(InvalidToken):
        services.accounts.account_of(forged.issue(account_id, "admin").token)


def test_a_disabled_account_loses_its_token_at_once(services: Services,
                                                    anonymous: TestClient) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    headers = login(anonymous, "congdan")
    services.accounts.set_active("congdan", False)
    assert anonymous.get("/api/v1/me", headers=headers).status_code == 401
    refused = anonymous.post("/api/v1/auth/token",
                             data={"username": "congdan", "password": PASSWORD})
    assert refused.status_code == 401  # and the answer does not say the account is disabled
    assert refused.json()["error"]["code"] == "login_failed"


def test_bad_accounts_are_refused_with_the_reason(services: Services) -> None:
    cases = [
        (dict(username="a", role=Role.CITIZEN, owner=CITIZEN), "tên đăng nhập"),
        (dict(username="congdan", role=Role.CITIZEN, owner="0310123467"), "số định danh"),
        (dict(username="congdan", role=Role.CITIZEN, owner="12345"), "12 chữ số"),
        (dict(username="canbo", role=Role.STAFF, agency="999.99.99.X99"), "cơ quan"),
        (dict(username="luutru", role=Role.ARCHIVIST, owner=CITIZEN), "kho dữ liệu"),
    ]
    for kwargs, words in cases:
        with pytest.raises(AccountError, match=words):
            make_account(services, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(AccountError, match="ít nhất 10"):
        services.accounts.create("congdan", Role.CITIZEN, "A", password="ngan", owner=CITIZEN)
    assert services.accounts.list() == []


def test_login_is_paused_after_repeated_failures(services: Services, anonymous: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    limit = services.settings.login.max_failures
    for _ in range(limit):
        wrong = anonymous.post("/api/v1/auth/token",
                               data={"username": "congdan", "password": "sai-mat-khau"})
        assert wrong.status_code == 401
    paused = anonymous.post("/api/v1/auth/token", data={"username": "congdan",
                                                         "password": PASSWORD})
    assert paused.status_code == 429  # even the right password, so guessing learns nothing
    assert int(paused.headers["retry-after"]) > 0
    assert paused.json()["error"]["code"] == "too_many_attempts"


def test_redis_counts_failures_across_processes(redis_server: Redis) -> None:
    one = LoginLimiter(RedisCounter(redis_server.url), max_failures=3, max_client_failures=10,
                       window=60)
    two = LoginLimiter(RedisCounter(redis_server.url), max_failures=3, max_client_failures=10,
                       window=60)
    for limiter in (one, two, one):
        limiter.check("NguoiDung", "10.0.0.1")
        limiter.failed("NguoiDung", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as paused:
        two.check("nguoidung", "10.0.0.2")  # the same username from another address
    assert 0 < paused.value.retry_after <= 60
    import redis

    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("sohoa:login:*")]
    assert keys and not any("nguoidung" in k.lower() for k in keys)  # hashed, not in clear
    one.check("khac", "10.0.0.3")  # other people are not affected


def test_wrong_username_and_wrong_password_fail_alike(services: Services) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    messages = set()
    for username, password in (("khong-co", PASSWORD), ("congdan", "sai-mat-khau")):
        with pytest.raises(LoginFailed) as failed:
            services.accounts.login(username, password, client="127.0.0.1")
        messages.add(str(failed.value))
    assert len(messages) == 1


def test_admin_cli_creates_agencies_and_accounts(data_env: Path) -> None:
    runner = CliRunner()
    env = {"SOHOA_DATA_DIR": str(data_env), "SOHOA_NEW_PASSWORD": PASSWORD}
    made = runner.invoke(app, ["admin", "agency", "add", "000.00.31.H50", "UBND phường Bến Thành",
                               "--json"], env=env)
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["agency"]["code"] == "000.00.31.H50"
    staff = runner.invoke(app, ["admin", "account", "canbo.bt", "--role", "staff", "--name",
                                "Trần Văn Bình", "--agency", "000.00.31.H50"], env=env)
    assert staff.exit_code == 0, staff.output
    citizen = runner.invoke(app, ["admin", "account", "an.nguyen", "--role", "citizen",
                                  "--name", "Nguyễn Văn An", "--owner", CITIZEN], env=env)
    assert citizen.exit_code == 0, citizen.output
    bad = runner.invoke(app, ["admin", "account", "x.y", "--role", "staff", "--name", "X",
                              "--agency", "khong-co"], env=env)
    assert bad.exit_code == 2 and "cơ quan" in bad.output
    listed = runner.invoke(app, ["admin", "accounts", "--json"], env=env)
    roles = {a["username"]: a["role"] for a in json.loads(listed.stdout)["accounts"]}
    assert roles == {"canbo.bt": "staff", "an.nguyen": "citizen"}
