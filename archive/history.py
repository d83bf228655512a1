"""``history.xml``: the processing history of the dossier and the officials' opinions.

TT 13/2023 Art. 3 puts "ý kiến của các cá nhân trong quá trình giải quyết" into the
archived dossier beside its documents; every status change, amendment and result
is kept with it, in order, as the HTTT giải quyết TTHC recorded them.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from .content import HistoryEntry

NS = "urn:sohoa:qua-trinh-xu-ly"
_H = f"{{{NS}}}"
_FIELDS = ("actor", "from_status", "to_status", "reason_code", "official", "position", "text")


def build(dossier_code: str, history: tuple[HistoryEntry, ...]) -> bytes:
    root = etree.Element(_H + "QuaTrinhXuLy", nsmap={None: NS}, MaHoSo=dossier_code)
    for entry in history:
        element = etree.SubElement(root, _H + ("YKien" if entry.kind == "OPINION" else "Buoc"),
                                   at=entry.at.isoformat(), kind=entry.kind)
        for name in _FIELDS:
            value = getattr(entry, name)
            if value is not None:
                etree.SubElement(element, _H + name).text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def read(xml: bytes) -> tuple[HistoryEntry, ...]:
    root = etree.fromstring(xml, parser=etree.XMLParser(no_network=True,
                                                        resolve_entities=False))
    entries = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        values = {etree.QName(child).localname: child.text or "" for child in element}
        entries.append(HistoryEntry(
            at=datetime.fromisoformat(element.get("at", "")), kind=element.get("kind", ""),
            actor=values.get("actor", ""), **{name: values.get(name) for name in _FIELDS
                                              if name != "actor"}))
    return tuple(entries)
