"""Field extraction (bóc tách dữ liệu): document type, number and symbol, dates, bodies, IDs.

Pure functions over recognised text; the catalogue of document types is data
(``doc_types.json`` or the deployment's own file). Identifier rules are passed
in by the caller, since the vault owns them.
"""

from .catalogue import CatalogueError, DocType, DocTypeCatalogue
from .extract import extract_fields, split_pages
from .fields import ExtractedField, Extraction, ExtractionMethod, FieldName
from .identifiers import IdCheck

__all__ = [
    "CatalogueError",
    "DocType",
    "DocTypeCatalogue",
    "ExtractedField",
    "Extraction",
    "ExtractionMethod",
    "FieldName",
    "IdCheck",
    "extract_fields",
    "split_pages",
]
