import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.catalog.interchange import CatalogImportError, import_catalog, load_file


class Command(BaseCommand):
    help = (
        "Import a catalog file (Cairn catalog format v1). All or nothing: a file with problems "
        "lists every one of them and imports nothing. Re-importing is safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            report = import_catalog(load_file(path))
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem}")
            self.stderr.write(f"{len(exc.problems)} problem(s); nothing was imported.")
            sys.exit(1)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {path}."))
