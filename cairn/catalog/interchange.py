"""Catalog import and export in Cairn's versioned interchange format
(``schema/catalog-v1.schema.json``; documented in docs/catalog-format.md).

Import is all-or-nothing and idempotent: the whole file is checked first (JSON Schema,
then references and rules that a schema cannot express), every problem is reported with
its JSON path, and only a clean file is written, in one transaction. Keys are stable slugs;
re-importing an unchanged file changes nothing, and a changed micro-credential gets a new
published version instead of being edited in place.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import transaction

from cairn.accounts.models import Organization
from cairn.accounts.services import organization_upsert
from cairn.catalog import services
from cairn.catalog.models import (
    Framework,
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    Pathway,
    Stack,
    VersionStatus,
)

FORMAT = "cairn-catalog"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "catalog-v1.schema.json"


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


def _json_path(parts: Any) -> str:
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


# ---------------------------------------------------------------- validation


def validate(data: Any) -> list[Problem]:
    """Every problem in ``data``; empty when it can be imported."""
    validator = jsonschema.Draft202012Validator(catalog_schema(), format_checker=jsonschema.FormatChecker())
    problems = [
        Problem(_json_path(err.absolute_path), err.message)
        for err in sorted(validator.iter_errors(_plain(data)), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if problems:
        # References are only checked on a well-formed file: a malformed one cannot be walked safely.
        return problems
    return _reference_problems(data)


def _plain(value: Any) -> Any:
    """Decimals (kept exact for hours) as floats, for the schema validator."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _duplicates(entries: list[dict[str, Any]], key: str, section: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, entry in enumerate(entries):
        if entry[key] in seen:
            problems.append(
                Problem(f"$.{section}[{i}].{key}", f"“{entry[key]}” is already used by $.{section}[{seen[entry[key]]}]")
            )
        seen.setdefault(entry[key], i)
    return problems


def _reference_problems(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    issuers = data.get("issuers", [])
    frameworks = data.get("frameworks", [])
    mcs = data.get("micro_credentials", [])
    stacks = data.get("stacks", [])
    pathways = data.get("pathways", [])
    for entries, section in (
        (issuers, "issuers"),
        (frameworks, "frameworks"),
        (mcs, "micro_credentials"),
        (stacks, "stacks"),
        (pathways, "pathways"),
    ):
        problems += _duplicates(entries, "slug", section)

    issuer_slugs = {i["slug"] for i in issuers} | set(
        Organization.objects.filter(is_issuer=True).values_list("slug", flat=True)
    )
    declared: set[str] = set(Organization.objects.values_list("slug", flat=True))
    for i, issuer in enumerate(issuers):
        if "parent" in issuer and issuer["parent"] not in declared:
            problems.append(
                Problem(
                    f"$.issuers[{i}].parent",
                    f"unknown organization “{issuer['parent']}” (list parents before children)",
                )
            )
        declared.add(issuer["slug"])

    item_keys = set(FrameworkItem.objects.values_list("framework__slug", "code"))
    for f, framework in enumerate(frameworks):
        codes: dict[str, str] = {}
        for path, item in _walk_items(framework["items"], f"$.frameworks[{f}].items"):
            if item["code"] in codes:
                problems.append(
                    Problem(f"{path}.code", f"code “{item['code']}” is already used at {codes[item['code']]}")
                )
            codes.setdefault(item["code"], path)
            item_keys.add((framework["slug"], item["code"]))

    mc_slugs = {m["slug"] for m in mcs} | set(MicroCredential.objects.values_list("slug", flat=True))
    existing = {mc.slug: mc for mc in MicroCredential.objects.select_related("issuer")}
    pending_drafts = set(
        MicroCredentialVersion.objects.filter(status=VersionStatus.DRAFT).values_list(
            "micro_credential__slug", flat=True
        )
    )
    for m, mc in enumerate(mcs):
        base = f"$.micro_credentials[{m}]"
        if mc["issuer"] not in issuer_slugs:
            problems.append(Problem(f"{base}.issuer", f"unknown issuer “{mc['issuer']}”"))
        current = existing.get(mc["slug"])
        if current is not None and current.issuer.slug != mc["issuer"]:
            problems.append(
                Problem(
                    f"{base}.issuer",
                    f"“{mc['slug']}” belongs to issuer “{current.issuer.slug}”; an import cannot move it",
                )
            )
        if mc["slug"] in pending_drafts:
            problems.append(
                Problem(
                    f"{base}.slug",
                    f"“{mc['slug']}” has an unpublished draft in Cairn; publish or discard it before importing",
                )
            )
        for p, prereq in enumerate(mc.get("prerequisites", [])):
            if prereq not in mc_slugs:
                problems.append(Problem(f"{base}.prerequisites[{p}]", f"unknown micro-credential “{prereq}”"))
            elif prereq == mc["slug"]:
                problems.append(
                    Problem(f"{base}.prerequisites[{p}]", "a micro-credential cannot be its own prerequisite")
                )
        for a, alignment in enumerate(mc.get("alignments", [])):
            if (alignment["framework"], alignment["code"]) not in item_keys:
                problems.append(
                    Problem(
                        f"{base}.alignments[{a}]",
                        f"unknown framework item “{alignment['framework']} {alignment['code']}”",
                    )
                )
        problems += _rubric_problems(mc, base)

    stack_slugs = {s["slug"] for s in stacks} | set(Stack.objects.values_list("slug", flat=True))
    for s, stack in enumerate(stacks):
        base = f"$.stacks[{s}]"
        if stack["issuer"] not in issuer_slugs:
            problems.append(Problem(f"{base}.issuer", f"unknown issuer “{stack['issuer']}”"))
        seen_in_stack: set[str] = set()
        for i, slug in enumerate(stack["micro_credentials"]):
            if slug not in mc_slugs:
                problems.append(Problem(f"{base}.micro_credentials[{i}]", f"unknown micro-credential “{slug}”"))
            if slug in seen_in_stack:
                problems.append(Problem(f"{base}.micro_credentials[{i}]", f"“{slug}” appears twice in this stack"))
            seen_in_stack.add(slug)

    for p, pathway in enumerate(pathways):
        base = f"$.pathways[{p}]"
        if pathway["issuer"] not in issuer_slugs:
            problems.append(Problem(f"{base}.issuer", f"unknown issuer “{pathway['issuer']}”"))
        for s, step in enumerate(pathway["steps"]):
            if not step["options"]:
                problems.append(
                    Problem(f"{base}.steps[{s}].options", "a step must offer at least one micro-credential or stack")
                )
            count = step.get("required_count")
            if count is not None and count > len(step["options"]):
                problems.append(
                    Problem(
                        f"{base}.steps[{s}].required_count",
                        f"requires {count} but the step offers {len(step['options'])}",
                    )
                )
            for o, option in enumerate(step["options"]):
                if "micro_credential" in option and option["micro_credential"] not in mc_slugs:
                    problems.append(
                        Problem(
                            f"{base}.steps[{s}].options[{o}]",
                            f"unknown micro-credential “{option['micro_credential']}”",
                        )
                    )
                if "stack" in option and option["stack"] not in stack_slugs:
                    problems.append(Problem(f"{base}.steps[{s}].options[{o}]", f"unknown stack “{option['stack']}”"))
    return problems


def _walk_items(items: list[dict[str, Any]], path: str) -> Any:
    for i, item in enumerate(items):
        yield f"{path}[{i}]", item
        yield from _walk_items(item.get("items", []), f"{path}[{i}].items")


def _rubric_problems(mc: dict[str, Any], base: str) -> list[Problem]:
    problems = []
    req_keys: set[str] = set()
    criteria_count = 0
    for r, req in enumerate(mc["requirements"]):
        rpath = f"{base}.requirements[{r}]"
        if req["key"] in req_keys:
            problems.append(
                Problem(f"{rpath}.key", f"requirement key “{req['key']}” is used twice in this micro-credential")
            )
        req_keys.add(req["key"])
        crit_keys: set[str] = set()
        for c, criterion in enumerate(req.get("criteria", [])):
            cpath = f"{rpath}.criteria[{c}]"
            criteria_count += 1
            if criterion["key"] in crit_keys:
                problems.append(
                    Problem(f"{cpath}.key", f"criterion key “{criterion['key']}” is used twice in this requirement")
                )
            crit_keys.add(criterion["key"])
            names = [level["name"] for level in criterion["levels"]]
            if len(set(names)) != len(names):
                problems.append(Problem(f"{cpath}.levels", "level names must be different from each other"))
            if criterion["required_level"] not in names:
                problems.append(
                    Problem(
                        f"{cpath}.required_level", f"“{criterion['required_level']}” is not one of the levels {names}"
                    )
                )
            elif names.index(criterion["required_level"]) == 0:
                problems.append(Problem(f"{cpath}.required_level", "the passing level cannot be the lowest level"))
    if criteria_count == 0:
        problems.append(Problem(f"{base}.requirements", "no rubric criteria: assessors would have nothing to score"))
    rule = mc.get("pass_rule", {"kind": "all"})
    if rule["kind"] == "n_of_m" and not 1 <= rule.get("n", 0) <= criteria_count:
        problems.append(
            Problem(f"{base}.pass_rule.n", f"needs a number from 1 to {criteria_count} (the number of criteria)")
        )
    return problems


# ---------------------------------------------------------------- normal form


def _number(value: Decimal | float | int) -> int | float:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _normal_mc(raw: dict[str, Any]) -> dict[str, Any]:
    """An import entry with every default filled in: the same shape export produces."""
    rule = raw.get("pass_rule", {"kind": "all"})
    return {
        "slug": raw["slug"],
        "issuer": raw["issuer"],
        "title": raw["title"],
        "competency": raw["competency"],
        "key_method": raw.get("key_method", ""),
        "method_components": raw.get("method_components", []),
        "essential_outcomes": raw.get("essential_outcomes", []),
        "resources": [{"title": r["title"], "url": r.get("url", "")} for r in raw.get("resources", [])],
        "audience": raw.get("audience", []),
        "grade_bands": raw.get("grade_bands", []),
        "subjects": raw.get("subjects", []),
        "pd_hours": _number(raw.get("pd_hours", 0)),
        "estimated_hours": _number(raw.get("estimated_hours", 0)),
        "prerequisites": sorted(raw.get("prerequisites", [])),
        "alignments": sorted(
            ({"framework": a["framework"], "code": a["code"]} for a in raw.get("alignments", [])),
            key=lambda a: (a["framework"], a["code"]),
        ),
        "pass_rule": {"kind": "n_of_m", "n": rule["n"]} if rule["kind"] == "n_of_m" else {"kind": "all"},
        "sample_content": raw.get("sample_content", False),
        "requirements": [
            {
                "key": req["key"],
                "kind": req["kind"],
                "title": req["title"],
                "instructions": req.get("instructions", ""),
                "guiding_questions": req.get("guiding_questions", []),
                "word_limit": req.get("word_limit"),
                "file_kinds": req.get("file_kinds", []),
                "required": req.get("required", True),
                "criteria": [
                    {
                        "key": c["key"],
                        "title": c["title"],
                        "description": c.get("description", ""),
                        "levels": [
                            {"name": lv["name"], "description": lv.get("description", "")} for lv in c["levels"]
                        ],
                        "required_level": c["required_level"],
                    }
                    for c in req.get("criteria", [])
                ],
            }
            for req in raw["requirements"]
        ],
    }


def version_entry(version: MicroCredentialVersion) -> dict[str, Any]:
    """A version in the interchange format's normal form (export and change detection)."""
    mc = version.micro_credential
    return {
        "slug": mc.slug,
        "issuer": mc.issuer.slug,
        "title": version.title,
        "competency": version.competency,
        "key_method": version.key_method,
        "method_components": version.method_components,
        "essential_outcomes": version.essential_outcomes,
        "resources": [{"title": r["title"], "url": r.get("url", "")} for r in version.resources],
        "audience": version.audience,
        "grade_bands": version.grade_bands,
        "subjects": version.subjects,
        "pd_hours": _number(version.pd_hours),
        "estimated_hours": _number(version.estimated_hours),
        "prerequisites": sorted(p.slug for p in mc.prerequisites.all()),
        "alignments": sorted(
            ({"framework": a.framework.slug, "code": a.code} for a in version.alignments.all()),
            key=lambda a: (a["framework"], a["code"]),
        ),
        "pass_rule": {"kind": "n_of_m", "n": version.pass_min_criteria}
        if version.pass_rule == "n_of_m"
        else {"kind": "all"},
        "sample_content": version.sample_content,
        "requirements": [
            {
                "key": req.key,
                "kind": req.kind,
                "title": req.title,
                "instructions": req.instructions,
                "guiding_questions": req.guiding_questions,
                "word_limit": req.word_limit,
                "file_kinds": req.file_kinds,
                "required": req.required,
                "criteria": [
                    {
                        "key": c.key,
                        "title": c.title,
                        "description": c.description,
                        "levels": [{"name": lv["name"], "description": lv.get("description", "")} for lv in c.levels],
                        "required_level": c.required_level_name,
                    }
                    for c in req.criteria.all()
                ],
            }
            for req in version.requirements.all()
        ],
    }


# ---------------------------------------------------------------- import


def import_catalog(data: Any) -> ImportReport:
    """Validate, then write everything in one transaction. Raises CatalogImportError."""
    if not isinstance(data, dict):
        raise CatalogImportError([Problem("$", "the file must hold a JSON object")])
    problems = validate(data)
    if problems:
        raise CatalogImportError(problems)
    report = ImportReport()
    with transaction.atomic():
        for raw in data.get("issuers", []):
            parent = Organization.objects.get(slug=raw["parent"]) if "parent" in raw else None
            _, created = organization_upsert(
                slug=raw["slug"],
                name=raw["name"],
                kind=raw["kind"],
                parent=parent,
                state=raw.get("state", ""),
                is_issuer=True,
                description=raw.get("description", ""),
                url=raw.get("url", ""),
                email=raw.get("email", ""),
            )
            report.note("issuers", "created" if created else "updated")
        for raw in data.get("frameworks", []):
            _import_framework(raw, report)
        mcs = [_normal_mc(raw) for raw in data.get("micro_credentials", [])]
        for entry in mcs:
            _import_micro_credential(entry, report)
        for entry in mcs:  # second pass: prerequisites may point forward in the file
            mc = MicroCredential.objects.get(slug=entry["slug"])
            wanted = set(entry["prerequisites"])
            if wanted != set(mc.prerequisites.values_list("slug", flat=True)):
                mc.prerequisites.set(MicroCredential.objects.filter(slug__in=wanted))
        for raw in data.get("stacks", []):
            _import_stack(raw, report)
        for raw in data.get("pathways", []):
            _import_pathway(raw, report)
    return report


def _import_framework(raw: dict[str, Any], report: ImportReport) -> None:
    framework, created = Framework.objects.update_or_create(
        slug=raw["slug"],
        defaults={
            "name": raw["name"],
            "publisher": raw.get("publisher", ""),
            "url": raw.get("url", ""),
            "description": raw.get("description", ""),
        },
    )
    report.note("frameworks", "created" if created else "updated")
    position = 0

    def upsert(items: list[dict[str, Any]], parent: FrameworkItem | None) -> None:
        nonlocal position
        for item in items:
            position += 1
            row, _ = FrameworkItem.objects.update_or_create(
                framework=framework,
                code=item["code"],
                defaults={
                    "title": item["title"],
                    "description": item.get("description", ""),
                    "parent": parent,
                    "position": position,
                },
            )
            upsert(item.get("items", []), row)

    upsert(raw["items"], None)


def _import_micro_credential(entry: dict[str, Any], report: ImportReport) -> None:
    mc = MicroCredential.objects.filter(slug=entry["slug"]).select_related("current_version").first()
    if mc is not None and mc.current_version is not None:
        current = _version_for_entry(mc.current_version.pk)
        compare = {**version_entry(current), "prerequisites": entry["prerequisites"]}
        if compare == entry:
            report.note("micro-credentials", "unchanged")
            return
    content = {
        "title": entry["title"],
        "competency": entry["competency"],
        "key_method": entry["key_method"],
        "method_components": entry["method_components"],
        "essential_outcomes": entry["essential_outcomes"],
        "resources": entry["resources"],
        "audience": entry["audience"],
        "grade_bands": entry["grade_bands"],
        "subjects": entry["subjects"],
        "pd_hours": Decimal(str(entry["pd_hours"])),
        "estimated_hours": Decimal(str(entry["estimated_hours"])),
        "pass_rule": entry["pass_rule"]["kind"],
        "pass_min_criteria": entry["pass_rule"].get("n"),
        "sample_content": entry["sample_content"],
    }
    requirements = [
        {
            **{k: v for k, v in req.items() if k != "criteria"},
            "criteria": [
                {**c, "required_level": [lv["name"] for lv in c["levels"]].index(c["required_level"])}
                for c in req["criteria"]
            ],
        }
        for req in entry["requirements"]
    ]
    alignments = [
        FrameworkItem.objects.get(framework__slug=a["framework"], code=a["code"]) for a in entry["alignments"]
    ]
    if mc is None:
        issuer = Organization.objects.get(slug=entry["issuer"])
        draft = services.micro_credential_create(
            actor=None,
            issuer=issuer,
            slug=entry["slug"],
            content={"title": entry["title"], "competency": entry["competency"]},
        )
        outcome = "created"
    else:
        draft = services.version_draft_open(actor=None, micro_credential=mc)
        outcome = "new version"
    services.version_replace_rubric(
        actor=None, version=draft, content=content, requirements=requirements, alignments=alignments
    )
    services.version_publish(actor=None, version=draft)
    report.note("micro-credentials", outcome)


def _version_for_entry(pk: int) -> MicroCredentialVersion:
    return (
        MicroCredentialVersion.objects.select_related("micro_credential__issuer")
        .prefetch_related("requirements__criteria", "alignments__framework", "micro_credential__prerequisites")
        .get(pk=pk)
    )


def _import_stack(raw: dict[str, Any], report: ImportReport) -> None:
    existing = Stack.objects.filter(slug=raw["slug"]).first()
    if existing is not None and stack_entry(existing) == _normal_stack(raw):
        report.note("stacks", "unchanged")
        return
    by_slug = MicroCredential.objects.in_bulk(raw["micro_credentials"], field_name="slug")
    services.stack_save(
        actor=None,
        issuer=Organization.objects.get(slug=raw["issuer"]),
        slug=raw["slug"],
        title=raw["title"],
        description=raw.get("description", ""),
        status=raw.get("status", "published"),
        micro_credentials=[by_slug[s] for s in raw["micro_credentials"]],
    )
    report.note("stacks", "created" if existing is None else "updated")


def _normal_stack(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": raw["slug"],
        "issuer": raw["issuer"],
        "title": raw["title"],
        "description": raw.get("description", ""),
        "status": raw.get("status", "published"),
        "micro_credentials": raw["micro_credentials"],
    }


def stack_entry(stack: Stack) -> dict[str, Any]:
    return {
        "slug": stack.slug,
        "issuer": stack.issuer.slug,
        "title": stack.title,
        "description": stack.description,
        "status": stack.status,
        "micro_credentials": [item.micro_credential.slug for item in stack.items.select_related("micro_credential")],
    }


def _normal_pathway(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": raw["slug"],
        "issuer": raw["issuer"],
        "title": raw["title"],
        "description": raw.get("description", ""),
        "status": raw.get("status", "published"),
        "min_count": raw.get("min_count"),
        "committee_review": raw.get("committee_review", False),
        "committee_review_note": raw.get("committee_review_note", ""),
        "steps": [
            {
                "title": step["title"],
                "description": step.get("description", ""),
                "prerequisite": step.get("prerequisite", False),
                "required_count": step.get("required_count"),
                "options": step["options"],
            }
            for step in raw["steps"]
        ],
    }


def pathway_entry(pathway: Pathway) -> dict[str, Any]:
    return {
        "slug": pathway.slug,
        "issuer": pathway.issuer.slug,
        "title": pathway.title,
        "description": pathway.description,
        "status": pathway.status,
        "min_count": pathway.min_count,
        "committee_review": pathway.committee_review,
        "committee_review_note": pathway.committee_review_note,
        "steps": [
            {
                "title": step.title,
                "description": step.description,
                "prerequisite": step.is_prerequisite,
                "required_count": step.required_count,
                "options": [
                    {"micro_credential": o.micro_credential.slug} if o.micro_credential else {"stack": o.stack.slug}  # type: ignore[union-attr]
                    for o in step.options.select_related("micro_credential", "stack")
                ],
            }
            for step in pathway.steps.all()
        ],
    }


def _import_pathway(raw: dict[str, Any], report: ImportReport) -> None:
    entry = _normal_pathway(raw)
    existing = Pathway.objects.filter(slug=raw["slug"]).first()
    if existing is not None and pathway_entry(existing) == entry:
        report.note("pathways", "unchanged")
        return
    mcs = MicroCredential.objects.in_bulk(field_name="slug")
    stacks = Stack.objects.in_bulk(field_name="slug")
    steps = [
        {
            "title": step["title"],
            "description": step["description"],
            "is_prerequisite": step["prerequisite"],
            "required_count": step["required_count"],
            "options": [
                mcs[o["micro_credential"]] if "micro_credential" in o else stacks[o["stack"]] for o in step["options"]
            ],
        }
        for step in entry["steps"]
    ]
    fields = {
        k: entry[k]
        for k in ("title", "description", "status", "min_count", "committee_review", "committee_review_note")
    }
    services.pathway_save(
        actor=None, issuer=Organization.objects.get(slug=raw["issuer"]), slug=raw["slug"], fields=fields, steps=steps
    )
    report.note("pathways", "created" if existing is None else "updated")


# ---------------------------------------------------------------- export


def export_catalog() -> dict[str, Any]:
    """The published catalog in the interchange format, in a stable order."""

    def item_tree(items: list[FrameworkItem], parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for item in items:
            if item.parent_id == parent_id:
                entry: dict[str, Any] = {"code": item.code, "title": item.title}
                if item.description:
                    entry["description"] = item.description
                children = item_tree(items, item.pk)
                if children:
                    entry["items"] = children
                out.append(entry)
        return out

    issuers = []
    for org in Organization.objects.filter(is_issuer=True).select_related("parent").order_by("id"):
        entry: dict[str, Any] = {"slug": org.slug, "name": org.name, "kind": org.kind}
        if org.parent and org.parent.is_issuer:
            entry["parent"] = org.parent.slug
        for name in ("state", "description", "url", "email"):
            if getattr(org, name):
                entry[name] = getattr(org, name)
        issuers.append(entry)
    frameworks = []
    for framework in Framework.objects.order_by("slug"):
        items = list(framework.items.order_by("position", "id"))
        framework_entry: dict[str, Any] = {"slug": framework.slug, "name": framework.name}
        framework_entry["items"] = item_tree(items, None)
        for name in ("publisher", "url", "description"):
            if getattr(framework, name):
                framework_entry[name] = getattr(framework, name)
        frameworks.append(framework_entry)
    versions = (
        MicroCredentialVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("micro_credential__issuer")
        .prefetch_related("requirements__criteria", "alignments__framework", "micro_credential__prerequisites")
        .order_by("micro_credential__slug")
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "issuers": issuers,
        "frameworks": frameworks,
        "micro_credentials": [version_entry(v) for v in versions],
        "stacks": [stack_entry(s) for s in Stack.objects.select_related("issuer").order_by("slug")],
        "pathways": [pathway_entry(p) for p in Pathway.objects.select_related("issuer").order_by("slug")],
    }
