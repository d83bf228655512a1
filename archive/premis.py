"""``premis.xml``: what each file is, and every step that made or checked it (PREMIS 3.0).

Objects are the content files (with size, SHA-256 and format); events are capture,
OCR into PDF/A, signing, signature validation, fixity check and transfer, each
linked to the files it concerns and the agents — person, organisation, software —
who carried it out. Event types come from the Library of Congress vocabulary.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from .content import DossierPackage

PREMIS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_P = f"{{{PREMIS}}}"

#: Our steps, in the words of https://id.loc.gov/vocabulary/preservation/eventType.
CAPTURE = "capture"
NORMALIZATION = "normalization"  # OCR into a searchable PDF/A
SIGNING = "digital signature generation"
SIGNATURE_VALIDATION = "digital signature validation"
FIXITY_CHECK = "fixity check"
TRANSFER = "transfer"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _P + name)
    if text is not None:
        element.text = text
    return element


def _identifier(parent: etree._Element, prefix: str, kind: str, value: str) -> None:
    holder = _sub(parent, prefix + "Identifier")
    _sub(holder, prefix + "IdentifierType", kind)
    _sub(holder, prefix + "IdentifierValue", value)


def _at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def build(package: DossierPackage) -> bytes:
    root = etree.Element(_P + "premis", nsmap={"premis": PREMIS, "xsi": XSI},
                         version="3.0")
    for f in package.files:
        obj = _sub(root, "object")
        obj.set(f"{{{XSI}}}type", "premis:file")
        _identifier(obj, "object", "local", f.path)
        characteristics = _sub(obj, "objectCharacteristics")
        _sub(characteristics, "compositionLevel", "0")
        fixity = _sub(characteristics, "fixity")
        _sub(fixity, "messageDigestAlgorithm", "SHA-256")
        _sub(fixity, "messageDigest", f.sha256)
        _sub(characteristics, "size", str(f.size))
        designation = _sub(_sub(characteristics, "format"), "formatDesignation")
        _sub(designation, "formatName", f.media_type)
        _sub(obj, "originalName", f.name)
    for event in package.events:
        element = _sub(root, "event")
        _identifier(element, "event", "local", event.key)
        _sub(element, "eventType", event.type)
        _sub(element, "eventDateTime", _at(event.at))
        _sub(_sub(element, "eventDetailInformation"), "eventDetail", event.detail)
        _sub(_sub(element, "eventOutcomeInformation"), "eventOutcome", event.outcome)
        for agent_key in event.agents:
            _identifier(element, "linkingAgent", "local", agent_key)
        for path in event.objects:
            _identifier(element, "linkingObject", "local", path)
    for agent in package.agents:
        element = _sub(root, "agent")
        _identifier(element, "agent", "local", agent.key)
        _sub(element, "agentName", agent.name)
        _sub(element, "agentType", agent.kind)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
