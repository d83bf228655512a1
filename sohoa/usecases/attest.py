"""Issuing a copy certified from its original (REGULATIONS 61): the last two steps of
`vault.certifications`, which need the keys.

The certifying person (người thực hiện chứng thực) is the one who issues: they sign
with their own key over the certification statement, its register number and date,
and the agency signs after them with its own key. Both signatures are made inside the
register's transaction, so a signature that fails takes no number.
"""

from __future__ import annotations

from kernel import Viewer, vietnamese_date
from signing import attestation_requests, sign_pdf
from vault import FileRole, new_lookup_code
from vault.certifications import CertificationRecord, RegisterEntry

from .needs import Certifying


def issue_certified_copy(services: Certifying, certification_id: str, *, certifier: str,
                         position: str, viewer: Viewer) -> CertificationRecord:
    """Sign the scanned original as the certifier ``viewer`` (named ``certifier``, in
    ``position``) and as their agency; enter it in the register."""
    position = " ".join(position.split()).upper()[:80]
    certifier = " ".join(certifier.split())[:120]
    ready = services.vault.certifications.ready(certification_id, viewer=viewer)
    assert ready.document_id is not None and ready.statement is not None
    issuer = services.issuer(ready.agency_code)
    person_key = services.operator_key(certifier, viewer.username)
    source = services.vault.documents.read_file(
        ready.document_id, FileRole.SIGNED.value, viewer=viewer,
        purpose="chứng thực bản sao từ bản chính").data
    level = services.settings.signing.agency_signature_level

    def render(entry: RegisterEntry) -> bytes:
        statement = (f"{ready.statement}\nSố chứng thực: {entry.number}, quyển số {entry.book}"
                     f"\n{issuer.place}, {vietnamese_date(entry.issued_at)}".replace(
                         "\n, ", "\n"))
        pdf = source
        for request in attestation_requests(
                person_key, issuer.key, services.stamp_font(), statement=statement,
                certifier=certifier, position=position, agency=issuer.name, level=level):
            pdf = sign_pdf(pdf, request, services.trust)
        return pdf

    return services.vault.certifications.issue(
        certification_id, certifier=f"{position} {certifier}".strip(),
        lookup_code=new_lookup_code(), render=render, viewer=viewer)
