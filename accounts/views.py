"""What the rest of the service knows of an account: ``AccountView``, read from its row.

A view carries no password hash; it names the vault (citizen, organisation) or the
agency (staff) the person acts for, and turns into the vault's ``Viewer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel import DomainError, OwnerId, Role, Viewer, mask_ids_in_text, parse_owner_id

from .models import Account


class AccountError(DomainError):
    """An account cannot be made or changed as asked; the message says why."""

    code = "invalid_account"
    http_status = 422


@dataclass(frozen=True)
class AccountView:
    id: str
    username: str
    role: Role
    display_name: str
    owner_identifier: str | None
    agency_code: str | None
    active: bool
    #: The blind index of ``owner_identifier`` (``storage.sealing``).
    owner_index: str | None = None
    #: An administrator reset the password: nothing but choosing a new one until then.
    must_change_password: bool = False
    #: ``Account.password_version``: the tokens of this account carry it.
    password_version: int = 0

    @classmethod
    def of(cls, row: Account) -> AccountView:
        return cls(row.id, row.username, Role(row.role), row.display_name,
                   row.owner_identifier, row.agency_code, row.active, row.owner_index,
                   bool(row.must_change_password), row.password_version)

    @property
    def actor(self) -> str:
        """How the audit trail names this person: never with an ID in clear."""
        return mask_ids_in_text(f"{self.role.value}:{self.username}")

    def vault_owner(self) -> OwnerId:
        """The vault this account holds; only citizen and organisation accounts hold one."""
        if self.owner_identifier is None:
            raise AccountError("tài khoản này không có kho dữ liệu (this account holds no vault)")
        return parse_owner_id(self.owner_identifier)

    def viewer(self) -> Viewer:
        owners = frozenset({self.owner_identifier}) if self.owner_identifier else frozenset()
        indexes = frozenset({self.owner_index}) if self.owner_index else frozenset()
        return Viewer(self.role, self.actor, owners=owners, agency=self.agency_code,
                      owner_indexes=indexes, username=self.username)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": mask_ids_in_text(self.username),
                "role": self.role.value, "display_name": self.display_name,
                "owner": self.owner_identifier, "agency": self.agency_code,
                "active": self.active, "must_change_password": self.must_change_password}
