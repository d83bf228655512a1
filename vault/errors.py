"""Vault errors, each meaning one thing a caller can act on."""

from __future__ import annotations

from kernel import DomainError


class VaultError(DomainError):
    code = "vault_error"
    http_status = 500


class NotFound(VaultError):
    """No such record, or none the caller may see (the two are not told apart)."""

    code = "not_found"
    http_status = 404


class DossierMismatch(VaultError):
    """The dossier belongs to a different owner than the document being filed."""

    code = "dossier_owner_mismatch"
    http_status = 409


class UnknownVariant(VaultError):
    code = "unknown_variant"
    http_status = 422


class RangeNotSatisfiable(VaultError):
    """The part of a file asked for lies outside it; ``size`` is the file's."""

    code = "range_not_satisfiable"
    http_status = 416

    def __init__(self, message: str, *, size: int) -> None:
        super().__init__(message)
        self.size = size


class RecordIncomplete(VaultError):
    """The digitisation record lacks a required field; ``missing`` names them."""

    code = "record_incomplete"
    http_status = 422

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class InvalidTransition(VaultError):
    """A digitisation step was asked for out of order."""

    code = "invalid_transition"
    http_status = 409


class CodeConflict(VaultError):
    """No free digitisation-result code could be given (the counter is exhausted)."""

    code = "result_code_conflict"
    http_status = 409


class InvalidRecordValue(VaultError):
    """A record value is not acceptable (a document type outside the catalogue, a bad date)."""

    code = "invalid_record_value"
    http_status = 422


class NotAnExtension(VaultError):
    """A file may only grow by appending (a signature, a timestamp): the new content must
    begin with every byte of the old, or earlier signatures and stored ranges would break."""

    code = "not_an_extension"
    http_status = 409


class AlreadyCertified(VaultError):
    """The document already has the agency's certified electronic copy."""

    code = "already_certified"
    http_status = 409


class DocumentRevoked(VaultError):
    """The document was revoked: it stays readable, but nothing more is issued from it."""

    code = "document_revoked"
    http_status = 409


class NotAResult(VaultError):
    """Only a TTHC result (kết quả giải quyết) is revoked; a dossier component is not."""

    code = "not_a_result"
    http_status = 409


class Forbidden(VaultError):
    """The caller may see the record but not do this to it (a citizen editing the record
    staff keep, staff revoking through a grant). Records they may not see are NotFound."""

    code = "forbidden"
    http_status = 403


class AgencyCodeExpired(VaultError):
    """The agency code stopped being valid (a merger of units): use its successor's."""

    code = "agency_code_expired"
    http_status = 409


class ReuseReasonRequired(VaultError):
    """The owner's vault already satisfies the component: asking the citizen for it again
    needs the officer's written reason (REGULATIONS 9.C.23, 56)."""

    code = "reuse_reason_required"
    http_status = 422


class AlreadyFiled(VaultError):
    """The same scan (the same bytes) is already filed for this component of the dossier:
    filing it again needs the officer's written reason. ``document_id`` is the one filed."""

    code = "already_filed"
    http_status = 409

    def __init__(self, message: str, *, document_id: str) -> None:
        super().__init__(message)
        self.document_id = document_id


class NewOwnerUnconfirmed(VaultError):
    """No vault exists for this ID and the counter has not confirmed a new owner: a
    mistyped number must not open a vault for someone who does not exist. ``missing``
    names what the request lacks (the owner's name, kind, the confirmation)."""

    code = "new_owner_unconfirmed"
    http_status = 422

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message, field=missing[0] if missing else None)
        self.missing = missing
