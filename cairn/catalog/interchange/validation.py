"""Checks a catalog file completely before anything is written: schema first, then the
references and rules a JSON Schema cannot express. Every problem carries its JSON path."""

from decimal import Decimal
from typing import Any

import jsonschema

from cairn.accounts.models import Organization
from cairn.catalog.interchange.common import Problem, catalog_schema, json_path
from cairn.catalog.models import (
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    Stack,
    VersionStatus,
)


def validate(data: Any) -> list[Problem]:
    """Every problem in ``data``; empty when it can be imported."""
    validator = jsonschema.Draft202012Validator(catalog_schema(), format_checker=jsonschema.FormatChecker())
    problems = [
        Problem(json_path(err.absolute_path), err.message)
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
