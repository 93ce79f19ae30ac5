from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from cairn.accounts.models import Organization
from cairn.catalog.models import (
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    Pathway,
    PathwayStep,
    PathwayStepOption,
    RubricCriterion,
    Stack,
    StackItem,
    VersionStatus,
)


@dataclass
class CatalogFilters:
    q: str = ""
    issuer: str = ""
    stack: str = ""
    framework_item: int | None = None
    audience: str = ""
    pd_min: Decimal | None = None
    pd_max: Decimal | None = None


def catalog_search(filters: CatalogFilters) -> QuerySet[MicroCredentialVersion]:
    """Published micro-credentials matching every given filter, by title."""
    qs = MicroCredentialVersion.objects.filter(status=VersionStatus.PUBLISHED)
    for word in filters.q.lower().split():
        qs = qs.filter(search_text__contains=word)
    if filters.issuer:
        qs = qs.filter(micro_credential__issuer__slug=filters.issuer)
    if filters.stack:
        qs = qs.filter(micro_credential__stack_items__stack__slug=filters.stack)
    if filters.framework_item is not None:
        qs = qs.filter(alignments__id=filters.framework_item)
    if filters.audience:
        qs = qs.filter(audience_tags__contains=f" {filters.audience} ")
    if filters.pd_min is not None:
        qs = qs.filter(pd_hours__gte=filters.pd_min)
    if filters.pd_max is not None:
        qs = qs.filter(pd_hours__lte=filters.pd_max)
    return qs.select_related("micro_credential", "micro_credential__issuer").order_by("title", "id")


def catalog_filter_choices() -> dict[str, object]:
    return {
        # EXISTS rather than a DISTINCT join: the join reads every published version's rows.
        "issuers": Organization.objects.filter(
            Exists(MicroCredential.objects.filter(issuer=OuterRef("pk"), current_version__isnull=False))
        ),
        "stacks": Stack.objects.exclude(status="retired").only("slug", "title"),
        "framework_items": FrameworkItem.objects.filter(
            Exists(
                MicroCredentialVersion.alignments.through.objects.filter(
                    frameworkitem=OuterRef("pk"), microcredentialversion__status=VersionStatus.PUBLISHED
                )
            )
        )
        .select_related("framework")
        .order_by("framework__name", "position", "code"),
    }


def version_detail(version: MicroCredentialVersion) -> dict[str, object]:
    """Everything the micro-credential page shows, in a fixed number of queries."""
    mc = version.micro_credential
    requirements = version.requirements.prefetch_related(
        Prefetch("criteria", queryset=RubricCriterion.objects.order_by("position", "id"))
    )
    return {
        "requirements": list(requirements),
        "alignments": list(version.alignments.select_related("framework")),
        "prerequisites": list(mc.prerequisites.select_related("current_version")),
        "stacks": list(Stack.objects.filter(items__micro_credential=mc).exclude(status="retired")),
        "pathways": list(
            Pathway.objects.filter(
                Q(steps__options__micro_credential=mc) | Q(steps__options__stack__items__micro_credential=mc)
            )
            .exclude(status="retired")
            .distinct()
        ),
        "versions": list(mc.versions.order_by("-number").only("number", "status", "published_at", "micro_credential")),
    }


def stack_detail(stack: Stack) -> list[StackItem]:
    return list(stack.items.select_related("micro_credential__current_version"))


def pathway_with_steps(pathway: Pathway) -> Pathway:
    """Load the steps, their options and option stacks' members onto ``pathway``."""
    prefetch_related_objects(
        [pathway],
        Prefetch(
            "steps",
            queryset=PathwayStep.objects.prefetch_related(
                Prefetch(
                    "options",
                    queryset=PathwayStepOption.objects.select_related(
                        "micro_credential__current_version", "stack"
                    ).prefetch_related("stack__items"),
                )
            ),
        ),
    )
    return pathway


def authoring_overview(issuers: QuerySet[Organization]) -> QuerySet[MicroCredential]:
    return (
        MicroCredential.objects.filter(issuer__in=issuers)
        .select_related("issuer", "current_version")
        .prefetch_related(Prefetch("versions", queryset=MicroCredentialVersion.objects.order_by("-number")))
        .order_by("issuer__name", "slug")
    )


def stacks_list() -> QuerySet[Stack]:
    return Stack.objects.exclude(status="retired").select_related("issuer").prefetch_related("items")


def pathways_list() -> QuerySet[Pathway]:
    return Pathway.objects.exclude(status="retired").select_related("issuer").prefetch_related("steps")
