"""The METS and PREMIS schemas, loaded from this folder with the network off.

Loading an XSD takes a while (METS: ~50 ms), so each is loaded once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

HERE = Path(__file__).parent
_LOCAL = {"http://www.loc.gov/standards/xlink/xlink.xsd": HERE / "xlink.xsd"}


class _LocalSchemas(etree.Resolver):  # type: ignore[misc]
    """Answers the schemas' imports from this folder; anything else is not fetched."""

    def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
        local = _LOCAL.get(url)
        return self.resolve_filename(str(local), context) if local else None


def parser() -> etree.XMLParser:
    """A parser that never touches the network and never expands entities."""
    return etree.XMLParser(no_network=True, resolve_entities=False)


@cache
def schema(name: str) -> etree.XMLSchema:
    """``mets`` or ``premis``."""
    files = {"mets": "mets-1.12.1.xsd", "premis": "premis-v3-0.xsd"}
    xsd_parser = parser()
    xsd_parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(HERE / files[name]), xsd_parser))
