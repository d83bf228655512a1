"""Owners with no personal ID or tax code (REGULATIONS 48; TT 01/2023 Art. 10(2)).

Some papers belong to someone with neither: a foreigner, a child not yet given an ID, a
person in an old register. Their vault is keyed by a reference the service gives
(``KDD-…``, `kernel.ids`), printed for them so their papers are found again; the owner
segment of each result code is left empty; and a supplementary block says who they
are. The block's fields are a setting (the law leaves its content open); each is
required, and the block is sealed under the owner's vault key like their name.
"""

from __future__ import annotations

from kernel import OwnerId, Role, Viewer, new_unidentified_owner

from .audit import audit
from .errors import Forbidden, RecordIncomplete
from .models import Owner
from .store import VaultStore

#: How the usual fields of the block are named on screens and in messages.
LABELS = {"full_name": "Họ và tên", "birth_date": "Ngày sinh", "nationality": "Quốc tịch",
          "identity_document": "Giấy tờ tùy thân (loại, số)", "address": "Nơi cư trú"}


def missing_fields(block: dict[str, str] | None, required: tuple[str, ...]) -> list[str]:
    """The required fields of the block left empty."""
    given = block or {}
    return [name for name in required if not " ".join(str(given.get(name, "")).split())]


def check_block(block: dict[str, str] | None, required: tuple[str, ...]) -> dict[str, str]:
    """The block, cleaned; RecordIncomplete naming each empty field."""
    missing = missing_fields(block, required)
    if missing:
        names = ", ".join(LABELS.get(name, name) for name in missing)
        raise RecordIncomplete(f"người không có số định danh cần khối thông tin bổ sung: còn "
                               f"trống {names} (the supplementary-owner block lacks "
                               f"{', '.join(missing)})", missing=missing)
    return {name: " ".join(str((block or {})[name]).split())[:200] for name in required}


class Unidentified(VaultStore):
    """Registering owners with no ID, and reading who they are."""

    def register(self, block: dict[str, str], required: tuple[str, ...], *,
                 viewer: Viewer) -> OwnerId:
        """A new owner with no ID: their reference, once their block is complete."""
        if viewer.role is not Role.STAFF:
            raise Forbidden("chỉ cán bộ tiếp nhận đăng ký người không có số định danh "
                            "(counter staff only)")
        cleaned = check_block(block, required)
        owner = new_unidentified_owner()
        with self._unit() as session:
            holder = Owner(identifier=owner.value, kind=owner.kind.value)
            holder.supplementary = cleaned
            holder.display_name = cleaned.get("full_name")
            session.add(holder)
            session.flush()
            audit(session, viewer.actor, "owner.unidentified_registered", "owner",
                  holder.vault_key, {"fields": sorted(cleaned)})
        return owner

    def block_of(self, owner: OwnerId) -> dict[str, str] | None:
        """The supplementary block of an owner with no ID (None for anyone else)."""
        with self._sessions() as session:
            holder = self._owner(session, owner, create=False)
            return holder.supplementary if holder is not None else None
