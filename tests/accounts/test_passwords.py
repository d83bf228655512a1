"""Passwords people change and administrators reset (issue 29, item 7): through the API
and ``sohoa admin password``; every change ends the sessions opened before it, a reset
password must be changed before anything else, and both are in the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from kernel import Role
from sohoa.cli import app
from sohoa.services import Services
from tests.service_fixtures import PASSWORD, login, make_account
from vault.audit import AuditEvent

CITIZEN = "001099012345"
NEW = "mat-khau-moi-cua-toi-2026"


def _events(services: Services, action: str) -> list[AuditEvent]:
    with services.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_person_changes_their_password_and_older_sessions_end(
        services: Services, anonymous: TestClient) -> None:
    account = make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    other_device = login(anonymous, "congdan")
    here = login(anonymous, "congdan")

    wrong = anonymous.post("/api/v1/me/password", headers=here, json={
        "current_password": "khong-phai-mat-khau", "new_password": NEW})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "wrong_current_password"
    short = anonymous.post("/api/v1/me/password", headers=here, json={
        "current_password": PASSWORD, "new_password": "ngan"})
    assert short.status_code == 422 and "ít nhất" in short.json()["error"]["message"]
    assert short.json()["error"]["field"] == "new_password"
    same = anonymous.post("/api/v1/me/password", headers=here, json={
        "current_password": PASSWORD, "new_password": PASSWORD})
    assert same.status_code == 422 and "khác mật khẩu" in same.json()["error"]["message"]
    assert _events(services, "account.password_changed") == []
    # Nothing refused above changed anything: the old password still logs in.
    login(anonymous, "congdan")

    changed = anonymous.post("/api/v1/me/password", headers=here, json={
        "current_password": PASSWORD, "new_password": NEW})
    assert changed.status_code == 200, changed.text
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert anonymous.get("/api/v1/me", headers=fresh).status_code == 200
    for old in (other_device, here):
        assert anonymous.get("/api/v1/me", headers=old).status_code == 401
    assert anonymous.post("/api/v1/auth/token", data={
        "username": "congdan", "password": PASSWORD}).status_code == 401
    login(anonymous, "congdan", NEW)
    [event] = _events(services, "account.password_changed")
    assert event.actor == account.actor and event.subject_id == account.id
    assert NEW not in json.dumps(event.details) and PASSWORD not in json.dumps(event.details)


def test_wrong_current_passwords_count_as_failed_logins(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    here = login(anonymous, "congdan")
    limit = services.settings.login.max_failures
    answers = [anonymous.post("/api/v1/me/password", headers=here, json={
        "current_password": f"doan-{n}", "new_password": NEW}).status_code
        for n in range(limit + 1)]
    assert answers[:limit] == [403] * limit and answers[limit] == 429


def test_an_admin_resets_a_password_that_must_be_changed_before_anything_else(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, "quantri", Role.ADMIN)
    person = make_account(services, "canbo", Role.STAFF,
                          agency=services.settings.agency.code)
    admin = login(anonymous, "quantri")
    stolen = login(anonymous, "canbo")
    not_admin = anonymous.post("/api/v1/admin/accounts/quantri/password-reset", headers=stolen)
    assert not_admin.status_code == 403

    reset = anonymous.post("/api/v1/admin/accounts/canbo/password-reset", headers=admin)
    assert reset.status_code == 200, reset.text
    assert reset.headers["cache-control"] == "no-store"
    temporary = reset.json()["temporary_password"]
    assert len(temporary.replace("-", "")) >= services.settings.login.password_min_length
    assert anonymous.get("/api/v1/me", headers=stolen).status_code == 401
    assert anonymous.post("/api/v1/auth/token", data={
        "username": "canbo", "password": PASSWORD}).status_code == 401

    # With the temporary password the person can do one thing: choose their own.
    temp = login(anonymous, "canbo", temporary)
    blocked = anonymous.get("/api/v1/dossiers", headers=temp)
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "password_change_required"
    changed = anonymous.post("/api/v1/me/password", headers=temp, json={
        "current_password": temporary, "new_password": NEW})
    assert changed.status_code == 200, changed.text
    own = login(anonymous, "canbo", NEW)
    assert anonymous.get("/api/v1/me", headers=own).json()["account"][
        "must_change_password"] is False

    [event] = _events(services, "account.password_reset")
    assert event.actor == "admin:quantri" and event.subject_id == person.id
    assert temporary not in json.dumps(event.details)
    missing = anonymous.post("/api/v1/admin/accounts/khong-co/password-reset", headers=admin)
    assert missing.status_code == 404


def test_the_admin_command_resets_a_password(data_env: Path) -> None:
    runner = CliRunner()
    env = {"SOHOA_DATA_DIR": str(data_env), "SOHOA_NEW_PASSWORD": PASSWORD}
    made = runner.invoke(app, ["admin", "account", "an.nguyen", "--role", "citizen",
                               "--name", "Nguyễn Văn An", "--owner", CITIZEN], env=env)
    assert made.exit_code == 0, made.output
    reset = runner.invoke(app, ["admin", "password", "an.nguyen", "--json"], env=env)
    assert reset.exit_code == 0, reset.output
    answer = json.loads(reset.stdout)
    assert answer["must_change_password"] is True and answer["temporary_password"]
    said = runner.invoke(app, ["admin", "password", "an.nguyen"], env=env)
    assert said.exit_code == 0 and "Mật khẩu tạm thời" in said.output
    assert answer["temporary_password"] not in said.output  # a new one each time
    unknown = runner.invoke(app, ["admin", "password", "khong.co"], env=env)
    assert unknown.exit_code == 3 and "không có tài khoản" in unknown.output
    assert "Traceback" not in unknown.output
