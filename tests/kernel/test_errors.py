"""An error says what it is to a program, to HTTP and to a shell in one place (issue 27,
item 6): `kernel.errors.DomainError`."""

from __future__ import annotations

from kernel.errors import DomainError, ExitCode
from storage import BlobIntegrityError, StorageUnavailable
from vault import NotFound


class _Held(DomainError):
    code = "held"
    http_status = 409


class _Away(DomainError):
    code = "away"
    http_status = 503
    transient = True
    public = "Dịch vụ tạm thời không truy cập được"


def test_an_error_class_says_its_code_status_and_exit_code_in_one_place() -> None:
    assert (_Held.code, _Held.http_status, _Held.exit_code) == ("held", 409, ExitCode.CONFLICT)
    assert _Away.exit_code == ExitCode.UNAVAILABLE
    # What is shown: the error's own words, unless the class hides internals.
    assert _Held("đang bị giữ").describe() == "đang bị giữ"
    assert _Away("connection refused at 10.0.0.5").describe() == _Away.public


class _Checked(DomainError):
    code = "checked"
    exit_code = ExitCode.CHECK_FAILED


class _CheckedDeeper(_Checked):
    code = "checked_deeper"
    http_status = 409


class _HeldLonger(_Held):
    code = "held_longer"
    http_status = 404


def test_a_chosen_exit_code_is_inherited_and_a_derived_one_follows_the_status() -> None:
    assert _CheckedDeeper.exit_code == ExitCode.CHECK_FAILED  # chosen above: kept
    assert _HeldLonger.exit_code == ExitCode.NOT_FOUND  # derived above: from its own status


def test_the_domains_errors_answer_as_before() -> None:
    # The API's statuses and the job runner's retries come from these attributes.
    assert (NotFound.http_status, NotFound.exit_code) == (404, ExitCode.NOT_FOUND)
    assert StorageUnavailable.transient and StorageUnavailable.exit_code == ExitCode.UNAVAILABLE
    # A failed integrity check is shown without the key and hashes it names.
    error = BlobIntegrityError("vault-1/abc", "00" * 32, "11" * 32)
    assert "vault-1/abc" in str(error) and "vault-1/abc" not in error.describe()
