"""Catalog import and export in Cairn's versioned interchange format
(``schema/catalog-v1.schema.json``; documented in docs/catalog-format.md).

Import is all-or-nothing and idempotent: the whole file is checked first (JSON Schema,
then references and rules that a schema cannot express), every problem is reported with
its JSON path, and only a clean file is written, in one transaction. Keys are stable slugs;
re-importing an unchanged file changes nothing, and a changed micro-credential gets a new
published version instead of being edited in place.
"""

from cairn.catalog.interchange.common import (
    FORMAT,
    FORMAT_VERSION,
    SCHEMA_PATH,
    CatalogImportError,
    ImportReport,
    Problem,
    load_file,
)
from cairn.catalog.interchange.entries import pathway_entry, stack_entry, version_entry
from cairn.catalog.interchange.exporter import export_catalog
from cairn.catalog.interchange.importer import import_catalog
from cairn.catalog.interchange.validation import validate

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SCHEMA_PATH",
    "CatalogImportError",
    "ImportReport",
    "Problem",
    "export_catalog",
    "import_catalog",
    "load_file",
    "pathway_entry",
    "stack_entry",
    "validate",
    "version_entry",
]
