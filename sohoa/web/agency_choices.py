"""Agencies as a person chooses among them: by name, grouped under the agency above
them in the province's tree, never a code, never a 300-line flat list.

The development agency (the one the embedded default seeds) is offered only while it
is the only one: once a province's real agencies exist, no citizen can pick it, by
default or by mistake (issue 28).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vault.records import AgencyRecord

from ..settings.work import DEVELOPMENT_AGENCY


@dataclass(frozen=True)
class AgencyGroup:
    """One ``<optgroup>``: the agency above (its name), and the agencies under it."""

    label: str
    choices: tuple[tuple[str, str], ...]  # (code, name)


def agency_groups(agencies: Iterable[AgencyRecord], today: date) -> list[AgencyGroup]:
    """The agencies valid ``today``, grouped under their parent's name, each group and
    each choice in name order; those with no parent form the first group."""
    listed = list(agencies)
    valid = [a for a in listed if a.valid_to is None or a.valid_to >= today]
    if any(a.code != DEVELOPMENT_AGENCY for a in valid):
        valid = [a for a in valid if a.code != DEVELOPMENT_AGENCY]
    names = {a.code: a.name for a in listed}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for agency in valid:
        label = names.get(agency.parent or "", "") if agency.parent else ""
        grouped.setdefault(label, []).append((agency.code, agency.name))
    return [AgencyGroup(label, tuple(sorted(choices, key=lambda c: c[1])))
            for label, choices in sorted(grouped.items(), key=lambda g: (g[0] != "", g[0]))]
