"""Catalog export: the published catalog in the interchange format, in a stable order."""

from typing import Any

from cairn.accounts.models import Organization
from cairn.catalog.interchange.common import FORMAT, FORMAT_VERSION
from cairn.catalog.interchange.entries import pathway_entry, stack_entry, version_entry
from cairn.catalog.models import (
    Framework,
    FrameworkItem,
    MicroCredentialVersion,
    Pathway,
    Stack,
    VersionStatus,
)


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
