"""A row sealer for tests that build sessions by hand (``vault.sealing``)."""

from __future__ import annotations

import os

from sqlalchemy.orm import Session, sessionmaker

from storage.encryption import LocalKeks
from vault import Role, Vault, Viewer, parse_owner_id
from vault.keys import VaultKeyring
from vault.sealing import RowSealer


def install_sealer(sessions: sessionmaker[Session],
                   *others: sessionmaker[Session]) -> RowSealer:
    """Seal rows of these session factories under a fresh KEK and blind-index key."""
    keyring = VaultKeyring(sessions, LocalKeks({"test": os.urandom(32)}, "test"))
    sealer = RowSealer(keyring, os.urandom(32))
    sealer.install(sessions, *others)
    return sealer


def holder(vault: Vault, role: Role, actor: str, identifier: str) -> Viewer:
    """A citizen or organisation member holding the vault of ``identifier``."""
    return Viewer(role, actor, owners=frozenset({identifier}),
                  owner_indexes=frozenset({vault.blind_index(parse_owner_id(identifier))}))
