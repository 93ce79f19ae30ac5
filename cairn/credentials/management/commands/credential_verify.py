import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.credentials.verification import Check, Verdict, verify_credential


class Command(BaseCommand):
    help = "Verify credential files; prints a JSON verdict per file and exits 0 only if all verify."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        all_ok = True
        for path in files:
            try:
                verdict = verify_credential(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                verdict = Verdict([Check("format", False, f"Cannot read a JSON credential: {exc}")])
            all_ok = all_ok and verdict.ok
            self.stdout.write(json.dumps({"file": str(path), **verdict.as_dict()}))
        sys.exit(0 if all_ok else 1)
