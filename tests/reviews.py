"""Staff's review of a dossier's records, for tests that complete a dossier: a dossier
completes only once every record filed in it is reviewed and stored."""

from __future__ import annotations

from kernel import Viewer
from sohoa.services import Services
from sohoa.usecases import record

#: What an officer confirms for a page the tests scanned.
REVIEWED = {"doc_type_code": "GKS", "doc_name": "Giấy khai sinh", "number_symbol": "12/GKS",
            "issue_date": "2024-05-02", "issuing_body": "UBND phường Bến Nghé",
            "summary": "Khai sinh", "kind": "COMPONENT"}


def review(services: Services, document_id: str, viewer: Viewer) -> None:
    """Read the fields of a filed document if nobody has, then store its record."""
    document = services.vault.documents.get_document(document_id, viewer=viewer)
    if document.status == "STORED":
        return
    if document.status == "SCANNED":
        record.extract(services, document, ["GIẤY KHAI SINH"], [0.9], actor=viewer.actor)
    record.save(services, document_id, REVIEWED, viewer=viewer)


def review_dossier(services: Services, code: str, viewer: Viewer) -> None:
    """Review every record filed into the dossier's components (not those reused)."""
    dossier = services.vault.casework.dossier(code, viewer=viewer)
    for component in dossier.components:
        if component.document_id and component.source in ("SCAN", "DOCUMENT"):
            review(services, component.document_id, viewer)
