"""Who is asking: a person's role and the vaults and agency they act for.

Every domain that decides something per person takes a ``Viewer``: the vault for what
they may see, accounts for what a login yields, the archive for whose package it is.
It is a plain value, built by the composition layer from a login or a job's params.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CITIZEN = "citizen"  # công dân
    ORGANISATION = "organisation"  # a member account of a tổ chức
    STAFF = "staff"  # cán bộ một cửa / xử lý hồ sơ of one agency
    ARCHIVIST = "archivist"  # lưu trữ viên
    ADMIN = "admin"  # quản trị hệ thống: manages, never reads content
    #: The service itself, and the command line run on the server by its operators.
    SYSTEM = "system"


@dataclass(frozen=True)
class Viewer:
    """The person (or process) asking, as the vault needs to know them."""

    role: Role
    #: Written into the audit trail and the access log: an account name, never an ID.
    actor: str
    #: Identifiers whose vault this viewer holds: a citizen's personal ID, an
    #: organisation member's tax code.
    owners: frozenset[str] = field(default_factory=frozenset)
    #: The agency a staff account works for.
    agency: str | None = None
    #: The blind indexes of ``owners`` (``storage.sealing``): how queries find their rows.
    owner_indexes: frozenset[str] = field(default_factory=frozenset)
    #: The account's username, for what is the person's own: their signing key.
    username: str | None = None

    def __post_init__(self) -> None:
        if len(self.owner_indexes) != len(self.owners):
            raise ValueError("a viewer holding vaults carries their blind indexes too "
                             "(Vault.blind_index): queries find owners by them")

    @classmethod
    def system(cls, actor: str) -> Viewer:
        return cls(Role.SYSTEM, actor)

    def as_dict(self) -> dict[str, Any]:
        """As JSON, for work done later in someone's name (a job's params)."""
        return {"role": self.role.value, "actor": self.actor, "owners": sorted(self.owners),
                "agency": self.agency, "owner_indexes": sorted(self.owner_indexes),
                "username": self.username}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Viewer:
        return cls(Role(data["role"]), data["actor"], frozenset(data["owners"]), data["agency"],
                   frozenset(data.get("owner_indexes", [])), data.get("username"))

    @property
    def reads_content(self) -> bool:
        return self.role is not Role.ADMIN

    def holds(self, identifier: str) -> bool:
        return self.role is Role.SYSTEM or identifier in self.owners
