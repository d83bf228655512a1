"""Agencies as data with validity dates, and mergers of units (sáp nhập đơn vị hành chính).

Vaults and dossiers are keyed by personal ID or tax code, never by an agency or
administrative-unit code, so a reorganisation — provinces and communes were
merged in 2025 — moves responsibility, not identity. Merging units ends the old
codes' validity, names their successor, and hands the successor their dossiers,
the documents they digitised and the live grants made to them. Dossier codes
stay exactly as issued (REGULATIONS 9.B.16): the old agency code in them is
history, and each dossier's history records the move.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, insert, or_, select, update
from sqlalchemy.orm import Session

from .agency_catalogue import AgencyEntry
from .audit import audit
from .errors import CodeConflict, InvalidRecordValue, NotFound
from .grants import Grant, GrantItem
from .models import Agency, Document, Dossier, DossierEvent
from .records import AgencyRecord
from .search import fold
from .search_log import note_changed
from .store import VaultStore


@dataclass(frozen=True)
class CatalogueImport:
    """What loading a catalogue did."""

    added: int
    changed: int
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


@dataclass(frozen=True)
class MergeReport:
    """What a merger moved to ``into``."""

    into: str
    merged: tuple[str, ...]
    dossiers: int
    documents: int
    grants: int

    def as_dict(self) -> dict[str, object]:
        return {"into": self.into, "merged": list(self.merged), "dossiers": self.dossiers,
                "documents": self.documents, "grants": self.grants}


class Reorganisation(VaultStore):
    """Agencies, their validity, and mergers."""

    def ensure_agency(self, code: str, name: str) -> None:
        """Create the agency if it is missing (the embedded default seeds one)."""
        with self._unit() as session:
            if session.scalar(select(Agency).where(Agency.code == code)) is None:
                session.add(Agency(code=code, name=name, valid_from=date.today()))

    def add_agency(self, code: str, name: str, *, valid_from: date | None = None,
                   valid_to: date | None = None, actor: str) -> AgencyRecord:
        if valid_from and valid_to and valid_to < valid_from:
            raise InvalidRecordValue("ngày hết hiệu lực trước ngày có hiệu lực "
                                     "(valid_to is before valid_from)")
        with self._unit() as session:
            if session.scalar(select(Agency.id).where(Agency.code == code)) is not None:
                raise CodeConflict(f"đã có cơ quan mã {code} (agency {code} exists)")
            agency = Agency(code=code, name=name, valid_from=valid_from or date.today(),
                            valid_to=valid_to)
            session.add(agency)
            audit(session, actor, "agency.added", "agency", code, {"name": name})
            session.flush()
            return _agency_record(session, agency)

    def knows_agency(self, code: str) -> bool:
        """Whether an agency with this code exists (valid or not: history keeps old codes)."""
        with self._sessions() as session:
            return session.scalar(select(Agency.id).where(Agency.code == code)) is not None

    def listing(self, search: str | None = None) -> list[AgencyRecord]:
        """Every agency, by code, or those whose name or code holds ``search`` (accents
        optional); each names its parent and successor by code."""
        with self._sessions() as session:
            rows = list(session.scalars(select(Agency).order_by(Agency.code)))
            codes = {a.id: a.code for a in rows}
            if search:
                wanted = fold(search)
                rows = [a for a in rows if wanted in fold(a.name) or wanted in fold(a.code)]
            return [_agency_record(session, a, codes) for a in rows]

    def import_catalogue(self, entries: list[AgencyEntry], *, actor: str) -> CatalogueImport:
        """Bring the agencies to what the province's catalogue says, in one transaction:
        new ones added, known ones renamed, moved in the tree or dated; an agency the
        catalogue does not name is left as it is (history keeps old codes)."""
        with self._unit() as session:
            rows = {a.code: a for a in session.scalars(select(Agency))}
            added, changed = [], []
            for entry in entries:
                agency = rows.get(entry.code)
                if agency is None:
                    agency = rows[entry.code] = Agency(code=entry.code, name=entry.name)
                    session.add(agency)
                    added.append(entry.code)
                before = (agency.name, agency.kind, agency.valid_from, agency.valid_to)
                agency.name, agency.kind = entry.name, entry.kind.value
                agency.valid_from = entry.valid_from or agency.valid_from or date.today()
                agency.valid_to = entry.valid_to
                if before != (agency.name, agency.kind, agency.valid_from, agency.valid_to) \
                        and entry.code not in added:
                    changed.append(entry.code)
            session.flush()
            for entry in entries:
                agency = rows[entry.code]
                links = (rows[entry.parent].id if entry.parent else None,
                         rows[entry.successor].id if entry.successor else None)
                if links != (agency.parent_id, agency.successor_id):
                    agency.parent_id, agency.successor_id = links
                    if entry.code not in added and entry.code not in changed:
                        changed.append(entry.code)
            report = CatalogueImport(len(added), len(changed), len(entries) - len(added)
                                     - len(changed))
            audit(session, actor, "agency.catalogue", "agency", "*", report.as_dict())
            return report

    def merge_agencies(self, sources: list[str], into: str, *, on: date,
                       actor: str) -> MergeReport:
        """Merge ``sources`` into ``into`` from day ``on``: the old codes are valid until the
        day before and name ``into`` as successor; their dossiers, documents and live
        grants move to it in one transaction. Running it again moves nothing more."""
        if not sources or into in sources:
            raise InvalidRecordValue("cần ít nhất một đơn vị sáp nhập, khác đơn vị nhận "
                                     "(name the merged units, other than the one they join)")
        with self._unit() as session:
            target = session.scalar(select(Agency).where(Agency.code == into))
            if target is None:
                raise NotFound(f"không có cơ quan mã {into} (no agency {into})")
            if (target.valid_to is not None and target.valid_to < on) or (
                    target.valid_from is not None and target.valid_from > on):
                raise InvalidRecordValue(f"cơ quan {into} không có hiệu lực vào ngày {on} "
                                         "(the receiving agency is not valid that day)")
            rows = {a.code: a for a in session.scalars(select(Agency).where(
                Agency.code.in_(sources)).with_for_update())}
            missing = sorted(set(sources) - set(rows))
            if missing:
                raise NotFound(f"không có cơ quan mã {missing[0]} (no agency {missing[0]})")
            ids = [a.id for a in rows.values()]
            last_day = on - timedelta(days=1)
            for agency in rows.values():
                if agency.successor_id not in (None, target.id):
                    raise InvalidRecordValue(f"cơ quan {agency.code} đã sáp nhập vào đơn vị khác "
                                             "(already merged into another unit)")
                agency.successor_id = target.id
                if agency.valid_to is None or agency.valid_to > last_day:
                    agency.valid_to = last_day
            moved = list(session.scalars(select(Dossier.id).where(Dossier.agency_id.in_(ids))))
            if moved:
                session.execute(insert(DossierEvent), [
                    {"dossier_id": d, "actor": actor, "kind": "REMAPPED",
                     "details": {"into": into, "on": on.isoformat()}} for d in moved])
            # Their staff search the merged unit's part of the index from now on.
            note_changed(session, session.scalars(select(Document.id).where(or_(
                Document.agency_id.in_(ids), Document.dossier_id.in_(moved),
                Document.id.in_(select(GrantItem.document_id).join(
                    Grant, Grant.id == GrantItem.grant_id).where(Grant.agency_id.in_(ids)))))))
            dossiers = _moved(session, update(Dossier).where(Dossier.agency_id.in_(ids))
                              .values(agency_id=target.id))
            documents = _moved(session, update(Document).where(Document.agency_id.in_(ids))
                               .values(agency_id=target.id))
            grants = _moved(session, update(Grant).where(
                Grant.agency_id.in_(ids), Grant.revoked_at.is_(None))
                .values(agency_id=target.id))
            report = MergeReport(into, tuple(sorted(rows)), dossiers, documents, grants)
            audit(session, actor, "agency.merged", "agency", into, report.as_dict())
            return report


def _moved(session: Session, statement: Update) -> int:
    result = session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount)


def _agency_record(session: Session, agency: Agency,
                   codes: Mapping[int, str] | None = None) -> AgencyRecord:
    """The record of ``agency``; ``codes`` (id → code), when given, spares a look-up per
    linked agency."""
    def code_of(agency_id: int | None) -> str | None:
        if agency_id is None:
            return None
        if codes is not None:
            return codes.get(agency_id)
        linked = session.get(Agency, agency_id)
        return linked.code if linked else None

    return AgencyRecord(agency.code, agency.name, agency.valid_from, agency.valid_to,
                        code_of(agency.successor_id), code_of(agency.parent_id), agency.kind)
