"""Vault errors, each meaning one thing a caller can act on."""

from __future__ import annotations


class VaultError(Exception):
    code = "vault_error"


class NotFound(VaultError):
    """No such record, or none the caller may see (the two are not told apart)."""

    code = "not_found"


class DossierMismatch(VaultError):
    """The dossier belongs to a different owner than the document being filed."""

    code = "dossier_owner_mismatch"


class UnknownVariant(VaultError):
    code = "unknown_variant"
