"""A row sealer for tests that build sessions by hand (``storage.sealing``)."""

from __future__ import annotations

import os

from sqlalchemy.orm import Session, sessionmaker

from kernel import Role, Viewer, parse_owner_id
from storage.encryption import LocalKeks
from storage.sealing import RowSealer
from vault import Vault
from vault.keys import VaultKeyring


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
                  owner_indexes=frozenset({vault.custody.blind_index(parse_owner_id(identifier))}))
