"""Settings by area, checked when loaded, named as operators name them (issue 27, item 5)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digitize import OcrSettings
from digitize.preprocess.prepare import PrepareOptions
from sohoa.settings import Settings, SettingsInvalid, load_settings
from sohoa.settings.root import ROUTES

ROOT = Path(__file__).resolve().parents[2]


def test_each_variable_lands_in_its_area_and_keyword_arguments_use_the_same_names(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_OCR_PAGE_TIMEOUT", "42")
    monkeypatch.setenv("SOHOA_MAX_FILE_BYTES", "1234")
    monkeypatch.setenv("SOHOA_CENTRAL_URL", "https://centre.example")
    monkeypatch.setenv("SOHOA_AGENCY_NAME", "UBND phường Bến Thành")
    settings = Settings(data_dir=tmp_path, ocr_jobs=3, reuse_grant_days=7)
    assert settings.ocr.page_timeout_seconds == 42 and settings.ocr.jobs == 3
    assert settings.intake.max_file_bytes == 1234 == settings.intake.limits.max_file_bytes
    assert settings.sync.central_url == "https://centre.example"
    assert settings.agency.name == "UBND phường Bến Thành"
    assert settings.sharing.reuse_days == 7 and settings.data_dir == tmp_path
    # A keyword argument wins over the environment, as it always did.
    assert Settings(ocr_page_timeout=5).ocr.page_timeout_seconds == 5


def test_the_ocr_options_are_defined_once() -> None:
    # Settings nest digitize's own options; the preprocessing switches take their
    # defaults from them (ocr_dpi was 200 in one place and 0 in another).
    options, prepare = Settings().ocr, PrepareOptions()
    assert isinstance(options, OcrSettings) and options == OcrSettings()
    assert (prepare.ocr_dpi, prepare.deskew, prepare.perspective, prepare.suppress_colour,
            prepare.normalise) == (options.ocr_dpi, options.deskew, options.perspective,
                                   options.suppress_colour, options.normalise_background)


@pytest.mark.parametrize(("variable", "value", "named"), [
    ("SOHOA_OCR_PAGE_TIMEOUT", "-1", "SOHOA_OCR_PAGE_TIMEOUT"),
    ("SOHOA_OCR_MIN_CONFIDENCE", "1.5", "SOHOA_OCR_MIN_CONFIDENCE"),
    ("SOHOA_DB_POOL_SIZE", "0", "SOHOA_DB_POOL_SIZE"),
    ("SOHOA_MAX_PAGE_MM", "abc", "SOHOA_MAX_PAGE_MM"),
    ("SOHOA_KEK", "k1:c2hvcnQ=", "SOHOA_KEK"),
    ("SOHOA_OIDC_ISSUER", "https://id.example", "SOHOA_OIDC_CLIENT_ID"),
    ("SOHOA_JOB_BACKEND", "celery", "SOHOA_CELERY_BROKER_URL"),
])
def test_a_bad_value_is_refused_at_load_naming_its_variable(
        monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str) -> None:
    # Checked when loaded, not when first used: cross-field rules too (an issuer
    # without its client, Celery without a broker).
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsInvalid) as refused:
        load_settings()
    assert named in str(refused.value)
    assert "c2hvcnQ" not in str(refused.value)  # a key is named, never shown


def test_the_cli_reports_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SOHOA_DATA_DIR": str(tmp_path),
           "SOHOA_OCR_JOBS": "0", "HOME": str(tmp_path)}
    done = subprocess.run([str(Path(sys.executable).parent / "sohoa"), "vault", "ls", "079199000111"],
                          env=env, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 2, done.stderr
    said = done.stdout + done.stderr
    assert "SOHOA_OCR_JOBS" in said and "Traceback" not in said


def test_reading_a_secret_writes_nothing_prepare_makes_them_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(SettingsInvalid, match="not set up"):
        settings.search_key_bytes()
    assert not (tmp_path / "data").exists()
    settings.prepare()
    first = (settings.search_key_bytes(), settings.key_encryption_keys(),
             settings.url_secret_bytes(), settings.token_secret_bytes())
    settings.prepare()  # safe to repeat: the secrets stay what they were
    assert first == (settings.search_key_bytes(), settings.key_encryption_keys(),
                     settings.url_secret_bytes(), settings.token_secret_bytes())
    assert oct((tmp_path / "data" / "secrets" / "kek").stat().st_mode)[-3:] == "600"


def test_a_misspelt_variable_is_reported_not_silently_ignored(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SOHOA_MAX_FILE_BYTE", "10")
    with caplog.at_level(logging.WARNING, logger="sohoa.settings.env"):
        settings = Settings()
    assert "SOHOA_MAX_FILE_BYTE names no setting" in caplog.text
    assert settings.intake.max_file_bytes == Settings().intake.max_file_bytes


def test_a_copy_with_changed_values_is_checked_like_the_rest() -> None:
    settings = Settings()
    changed = settings.replaced(max_file_bytes=1000, trusted_proxies="10.0.0.1")
    assert changed.intake.max_file_bytes == 1000 and changed.server.trusted_proxies == "10.0.0.1"
    assert settings.intake.max_file_bytes != 1000
    with pytest.raises(ValueError, match="ocr"):
        settings.replaced(ocr_jobs=0)


def test_every_setting_is_in_the_readme_and_every_variable_there_is_a_setting() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Settings"):text.index("## Layout")]
    documented = set(re.findall(r"`SOHOA_([A-Z0-9_]+[A-Z0-9])`", table))
    known = {name.upper() for name in ROUTES}
    assert documented - known == set()
    assert known - documented == set()


def test_production_refuses_the_development_setup_and_lists_every_problem_at_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Issue 28, item 5: SOHOA_ENV=production with the embedded defaults does not start, and
    # says so for the settings and for the database (an agency with staff and no key).
    from kernel import Role
    from sohoa.runtime import build_services

    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    services = build_services(load_settings(), start_jobs=False)
    try:
        services.vault.agencies.add_agency("000.00.31.H29", "UBND phường Bến Thành", actor="t")
        services.accounts.create("canbo.bt", Role.STAFF, "Trần Thị Mai",
                                 password="mat-khau-dai-du", agency="000.00.31.H29")
    finally:
        services.close()
    monkeypatch.setenv("SOHOA_ENV", "production")
    with pytest.raises(SettingsInvalid) as refused:
        build_services(load_settings(), start_jobs=False)
    said = str(refused.value)
    for variable in ("SOHOA_TSA_URL", "SOHOA_TRUST_DEV_ROOT", "SOHOA_KEK", "SOHOA_PUBLIC_URL",
                     "SOHOA_RETENTION_FILE", "SOHOA_PROCEDURES_FILE", "SOHOA_AGENCY_CODE",
                     "UBND phường Bến Thành (000.00.31.H29)"):
        assert variable in said
    assert not said.startswith("SOHOA_*")
    # The CLI says the same, with no traceback, and exits 2.
    done = subprocess.run([sys.executable, "-c", "from sohoa.cli import main; main()",
                           "admin", "accounts"],
                          capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 2 and "SOHOA_TRUST_DEV_ROOT" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    # The settings of a production service load; the development setup stays the default.
    ready = load_settings(tsa_url="https://tsa.example.vn", trust_dev_root=False,
                          kek="k1:" + "A" * 43 + "=", public_url="https://dichvucong.example.vn",
                          retention_file=tmp_path / "r.yaml", procedures_file=tmp_path / "p.json",
                          agency_code="000.00.00.H29")
    assert ready.env == "production" and ready.production_problems() == []
    monkeypatch.delenv("SOHOA_ENV")
    assert load_settings().env == "development"
