"""Shared pieces of the catalog interchange: format constants, problems, the schema, file loading."""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = "cairn-catalog"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "catalog-v1.schema.json"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CatalogImportError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the catalog file")
        self.problems = problems


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)

    def note(self, kind: str, outcome: str) -> None:
        self.counts[f"{kind} {outcome}"] += 1

    def lines(self) -> list[str]:
        return [f"{key}: {n}" for key, n in sorted(self.counts.items())]


@cache
def catalog_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return schema


def json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def load_file(path: Path) -> Any:
    """Parse a catalog file, turning unreadable or malformed JSON into a located Problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogImportError([Problem("$", f"cannot read {path}: {exc}")]) from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CatalogImportError(
            [Problem("$", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from exc
