"""The interchange format's normal form: an import entry with every default filled in, and
the same shape built from the database. Export writes it; import compares against it."""

from decimal import Decimal
from typing import Any

from cairn.catalog.models import (
    MicroCredentialVersion,
    Pathway,
    Stack,
)


def number(value: Decimal | float | int) -> int | float:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def normal_mc(raw: dict[str, Any]) -> dict[str, Any]:
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
        "pd_hours": number(raw.get("pd_hours", 0)),
        "estimated_hours": number(raw.get("estimated_hours", 0)),
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
        "pd_hours": number(version.pd_hours),
        "estimated_hours": number(version.estimated_hours),
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


def normal_stack(raw: dict[str, Any]) -> dict[str, Any]:
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


def normal_pathway(raw: dict[str, Any]) -> dict[str, Any]:
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
