import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.catalog.interchange import export_catalog


class Command(BaseCommand):
    help = "Export the published catalog as JSON (Cairn catalog format v1) to stdout or --out FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, out: Path | None, **options: Any) -> None:
        text = json.dumps(export_catalog(), indent=2, ensure_ascii=False) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
        else:
            out.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {out}.")
