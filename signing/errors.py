"""Why a document could not be signed; messages never hold a passphrase or PIN."""

from __future__ import annotations


class SigningError(Exception):
    """The document could not be signed."""
