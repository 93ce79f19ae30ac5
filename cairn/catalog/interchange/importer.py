"""Catalog import: validate everything, then write in one transaction, idempotently."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from cairn.accounts.models import Organization
from cairn.accounts.services import organization_upsert
from cairn.catalog import services
from cairn.catalog.interchange.common import CatalogImportError, ImportReport, Problem
from cairn.catalog.interchange.entries import (
    normal_mc,
    normal_pathway,
    normal_stack,
    pathway_entry,
    stack_entry,
    version_entry,
)
from cairn.catalog.interchange.validation import validate
from cairn.catalog.models import (
    Framework,
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    Pathway,
    Stack,
)


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
        mcs = [normal_mc(raw) for raw in data.get("micro_credentials", [])]
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
    if existing is not None and stack_entry(existing) == normal_stack(raw):
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


def _import_pathway(raw: dict[str, Any], report: ImportReport) -> None:
    entry = normal_pathway(raw)
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
