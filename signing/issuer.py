"""An agency as it issues (cơ quan thực hiện): the words its formal blocks print and the
key it signs with. Every act that carries an agency's signature — a certified copy, a
result, a paper copy, a destruction record — is made by one `Issuer`, the agency that
owns the dossier or performs the act, never by a key of the whole deployment."""

from __future__ import annotations

from dataclasses import dataclass

from .keys import KeySource


@dataclass(frozen=True)
class Issuer:
    code: str
    #: The name as the NĐ 30/2020 blocks print it.
    name: str
    key: KeySource
    place: str = ""
    #: The agency's abbreviation in copy numbers (01/SY-UBND).
    abbreviation: str = ""
    copy_signer_position: str = ""
    copy_signer_name: str = ""
    seal_png: bytes | None = None
    #: Where this agency's look-up codes answer (…/v/); its codes are appended.
    lookup_base: str = ""

    def lookup_url(self, code: str) -> str:
        """The address printed on this agency's copies and in their QR."""
        return f"{self.lookup_base.rstrip('/')}/{code}"
