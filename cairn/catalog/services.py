"""Every write to the catalog. Published versions are immutable: edits go to a draft
version, and publishing the draft supersedes the published one in one transaction."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cairn.accounts.models import Organization, User
from cairn.catalog.models import (
    EvidenceRequirement,
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    PassRule,
    Pathway,
    PathwayStep,
    PathwayStepOption,
    RubricCriterion,
    Stack,
    StackItem,
    VersionStatus,
)
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError

# Fields of a version that authors write (everything else is bookkeeping).
VERSION_CONTENT_FIELDS = (
    "title",
    "competency",
    "key_method",
    "method_components",
    "essential_outcomes",
    "resources",
    "audience",
    "grade_bands",
    "subjects",
    "pd_hours",
    "estimated_hours",
    "pass_rule",
    "pass_min_criteria",
    "sample_content",
)


def _transition(version: MicroCredentialVersion, new_status: str) -> str:
    old = version.status
    if new_status not in MicroCredentialVersion.TRANSITIONS[old]:
        raise DomainError(f"A {version.get_status_display().lower()} version cannot become {new_status}.")
    version.status = new_status
    return old


def _require_draft(version: MicroCredentialVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise DomainError(
            "Published versions never change. Start a new draft to edit this micro-credential.", field="status"
        )


def micro_credential_create(
    *, actor: User | None, issuer: Organization, slug: str, content: dict[str, Any]
) -> MicroCredentialVersion:
    """A new micro-credential with its first (draft) version."""
    if not issuer.is_issuer:
        raise DomainError(f"{issuer.name} is not an issuer.", field="issuer")
    if MicroCredential.objects.filter(slug=slug).exists():
        raise DomainError(f"The key “{slug}” is already used by another micro-credential.", field="slug")
    with transaction.atomic():
        mc = MicroCredential.objects.create(slug=slug, issuer=issuer)
        version = MicroCredentialVersion(micro_credential=mc, number=1)
        _apply_content(version, content)
        version.save()
        audit_record(actor=actor, action="micro_credential_create", subject=mc, new_state=VersionStatus.DRAFT)
    return version


def _apply_content(version: MicroCredentialVersion, content: dict[str, Any]) -> None:
    unknown = set(content) - set(VERSION_CONTENT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    for name, value in content.items():
        setattr(version, name, value)
    if version.pass_rule == PassRule.ALL:
        version.pass_min_criteria = None
    version.refresh_search_fields()


def version_draft_open(*, actor: User | None, micro_credential: MicroCredential) -> MicroCredentialVersion:
    """The draft to edit: the existing one, or a new one copied from the latest version."""
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().get(pk=micro_credential.pk)
        draft = mc.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            return draft
        source = mc.versions.order_by("-number").first()
        if source is None:
            raise DomainError("This micro-credential has no versions.")
        number = (mc.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = _copy_version(source, number=number)
        audit_record(
            actor=actor,
            action="version_draft_open",
            subject=draft,
            new_state=VersionStatus.DRAFT,
            details={"from_version": source.number},
        )
    return draft


def _copy_version(source: MicroCredentialVersion, *, number: int) -> MicroCredentialVersion:
    draft = MicroCredentialVersion(micro_credential_id=source.micro_credential_id, number=number)
    for name in VERSION_CONTENT_FIELDS:
        setattr(draft, name, getattr(source, name))
    draft.image = source.image
    draft.refresh_search_fields()
    draft.save()
    draft.alignments.set(source.alignments.all())
    for req in source.requirements.prefetch_related("criteria"):
        criteria = list(req.criteria.all())
        req.pk = None
        req.version = draft
        req.save()
        for criterion in criteria:
            criterion.pk = None
            criterion.requirement = req
            criterion.save()
    return draft


def version_update(
    *,
    actor: User | None,
    version: MicroCredentialVersion,
    content: dict[str, Any],
    alignments: list[FrameworkItem] | None = None,
    prerequisites: list[MicroCredential] | None = None,
    image: Any = None,
) -> MicroCredentialVersion:
    """Change a draft's content (and optionally its alignments, image and the MC's prerequisites)."""
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        _apply_content(version, content)
        if image:
            version.image = image
        version.save()
        if alignments is not None:
            version.alignments.set(alignments)
        if prerequisites is not None:
            mc = version.micro_credential
            if any(p.pk == mc.pk for p in prerequisites):
                raise DomainError("A micro-credential cannot be its own prerequisite.", field="prerequisites")
            mc.prerequisites.set(prerequisites)
        audit_record(actor=actor, action="version_update", subject=version, details={"fields": sorted(content)})
    return version


def requirement_save(
    *,
    actor: User | None,
    version: MicroCredentialVersion,
    data: dict[str, Any],
    requirement: EvidenceRequirement | None = None,
) -> EvidenceRequirement:
    """Add (requirement None) or change an evidence requirement of a draft."""
    _require_draft(version)
    with transaction.atomic():
        if requirement is None:
            position = (version.requirements.aggregate(p=Max("position"))["p"] or 0) + 1
            requirement = EvidenceRequirement(version=version, position=position)
        elif requirement.version_id != version.pk:
            raise DomainError("That requirement belongs to another version.")
        key = data.get("key", requirement.key)
        if version.requirements.filter(key=key).exclude(pk=requirement.pk).exists():
            raise DomainError(f"Another requirement already has the key “{key}”.", field="key")
        for name, value in data.items():
            setattr(requirement, name, value)
        requirement.save()
        audit_record(actor=actor, action="requirement_save", subject=requirement, details={"version": version.pk})
    return requirement


def requirement_delete(*, actor: User | None, requirement: EvidenceRequirement) -> None:
    _require_draft(requirement.version)
    with transaction.atomic():
        audit_record(actor=actor, action="requirement_delete", subject=requirement, details={"key": requirement.key})
        requirement.delete()


def criterion_save(
    *,
    actor: User | None,
    requirement: EvidenceRequirement,
    data: dict[str, Any],
    criterion: RubricCriterion | None = None,
) -> RubricCriterion:
    """Add or change a rubric criterion. ``levels`` is lowest first; ``required_level`` indexes it."""
    _require_draft(requirement.version)
    levels = data.get("levels", criterion.levels if criterion else [])
    required = data.get("required_level", criterion.required_level if criterion else 1)
    if len(levels) < 2:
        raise DomainError(
            "A criterion needs at least two levels (for example “Not yet” and “Demonstrated”).", field="levels"
        )
    if not 0 < required < len(levels):
        raise DomainError("The passing level must be one of the levels above the lowest.", field="required_level")
    with transaction.atomic():
        if criterion is None:
            position = (requirement.criteria.aggregate(p=Max("position"))["p"] or 0) + 1
            criterion = RubricCriterion(requirement=requirement, position=position)
        key = data.get("key", criterion.key)
        if requirement.criteria.filter(key=key).exclude(pk=criterion.pk).exists():
            raise DomainError(f"Another criterion of this requirement already has the key “{key}”.", field="key")
        for name, value in data.items():
            setattr(criterion, name, value)
        criterion.save()
        audit_record(actor=actor, action="criterion_save", subject=criterion)
    return criterion


def criterion_delete(*, actor: User | None, criterion: RubricCriterion) -> None:
    _require_draft(criterion.requirement.version)
    with transaction.atomic():
        audit_record(actor=actor, action="criterion_delete", subject=criterion, details={"key": criterion.key})
        criterion.delete()


def publication_problems(version: MicroCredentialVersion) -> list[str]:
    """What stops a draft from being published (empty when it is ready)."""
    problems = []
    requirements = list(version.requirements.prefetch_related("criteria"))
    if not requirements:
        problems.append("Add at least one evidence requirement.")
    criteria_count = sum(len(r.criteria.all()) for r in requirements)
    if requirements and criteria_count == 0:
        problems.append("Add at least one rubric criterion so assessors can score the evidence.")
    if version.pass_rule == PassRule.N_OF_M:
        n = version.pass_min_criteria or 0
        if not 1 <= n <= criteria_count:
            problems.append(f"The pass rule asks for {n} criteria but the rubric has {criteria_count}.")
    if not version.competency.strip():
        problems.append("Write the competency statement.")
    return problems


def version_publish(*, actor: User | None, version: MicroCredentialVersion) -> MicroCredentialVersion:
    """Publish a draft; the previously published version becomes superseded."""
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().get(pk=version.micro_credential_id)
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        problems = publication_problems(version)
        if problems:
            raise DomainError(" ".join(problems))
        previous = mc.versions.filter(status=VersionStatus.PUBLISHED).first()
        if previous is not None:
            old = _transition(previous, VersionStatus.SUPERSEDED)
            previous.save(update_fields=["status"])
            audit_record(
                actor=actor, action="version_supersede", subject=previous, old_state=old, new_state=previous.status
            )
        old = _transition(version, VersionStatus.PUBLISHED)
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        mc.current_version = version
        mc.save(update_fields=["current_version"])
        audit_record(actor=actor, action="version_publish", subject=version, old_state=old, new_state=version.status)
    return version


def version_discard(*, actor: User | None, version: MicroCredentialVersion) -> None:
    """Throw away a draft. Discarding the first draft of a never-published micro-credential
    removes the micro-credential too, freeing its key."""
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().get(pk=version.micro_credential_id)
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        audit_record(
            actor=actor,
            action="version_discard",
            subject=version,
            old_state=version.status,
            details={"micro_credential": mc.slug, "number": version.number},
        )
        version.delete()
        if not mc.versions.exists():
            if mc.stack_items.exists() or PathwayStepOption.objects.filter(micro_credential=mc).exists():
                raise DomainError("This micro-credential is part of a stack or pathway; remove it there first.")
            mc.delete()


def micro_credential_retire(*, actor: User | None, micro_credential: MicroCredential) -> None:
    """Take a micro-credential out of the catalog. Its versions stay viewable and anything
    earned under them stays valid."""
    with transaction.atomic():
        mc = MicroCredential.objects.select_for_update().get(pk=micro_credential.pk)
        current = mc.versions.filter(status=VersionStatus.PUBLISHED).first()
        if current is None:
            raise DomainError("Only a published micro-credential can be retired.")
        old = _transition(current, VersionStatus.RETIRED)
        current.save(update_fields=["status"])
        mc.current_version = None
        mc.save(update_fields=["current_version"])
        audit_record(
            actor=actor, action="micro_credential_retire", subject=current, old_state=old, new_state=current.status
        )


def stack_save(
    *,
    actor: User | None,
    issuer: Organization,
    slug: str,
    title: str,
    description: str,
    status: str,
    micro_credentials: list[MicroCredential],
) -> Stack:
    """Create or update a stack by slug; the order of ``micro_credentials`` is the stack's order."""
    if len({mc.pk for mc in micro_credentials}) != len(micro_credentials):
        raise DomainError("A micro-credential appears twice in the stack.", field="micro_credentials")
    with transaction.atomic():
        stack = Stack.objects.select_for_update().filter(slug=slug).first()
        if stack is not None and stack.issuer_id != issuer.pk:
            raise DomainError(f"The key “{slug}” belongs to another issuer's stack.", field="slug")
        old_state = stack.status if stack else ""
        if stack is None:
            stack = Stack(slug=slug, issuer=issuer)
        stack.title, stack.description, stack.status = title, description, status
        stack.save()
        stack.items.all().delete()
        StackItem.objects.bulk_create(
            StackItem(stack=stack, micro_credential=mc, position=i) for i, mc in enumerate(micro_credentials, 1)
        )
        audit_record(
            actor=actor,
            action="stack_save",
            subject=stack,
            old_state=old_state,
            new_state=stack.status,
            details={"micro_credentials": [mc.slug for mc in micro_credentials]},
        )
    return stack


def pathway_save(
    *,
    actor: User | None,
    issuer: Organization,
    slug: str,
    fields: dict[str, Any],
    steps: list[dict[str, Any]],
) -> Pathway:
    """Create or update a pathway by slug, replacing its steps.

    ``steps``: [{"title", "description", "is_prerequisite", "required_count",
    "options": [MicroCredential | Stack, ...]}] in order."""
    for i, step in enumerate(steps, 1):
        count, options = step.get("required_count"), step["options"]
        if not options:
            raise DomainError(f"Step {i} “{step['title']}” offers nothing to complete.", field="steps")
        if count is not None and count > len(options):
            raise DomainError(
                f"Step {i} “{step['title']}” requires {count} but offers only {len(options)}.", field="steps"
            )
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().filter(slug=slug).first()
        if pathway is not None and pathway.issuer_id != issuer.pk:
            raise DomainError(f"The key “{slug}” belongs to another issuer's pathway.", field="slug")
        if pathway is None:
            pathway = Pathway(slug=slug, issuer=issuer)
        for name, value in fields.items():
            setattr(pathway, name, value)
        pathway.save()
        pathway.steps.all().delete()
        for position, step in enumerate(steps, 1):
            row = PathwayStep.objects.create(
                pathway=pathway,
                position=position,
                title=step["title"],
                description=step.get("description", ""),
                is_prerequisite=step.get("is_prerequisite", False),
                required_count=step.get("required_count"),
            )
            PathwayStepOption.objects.bulk_create(
                PathwayStepOption(
                    step=row,
                    position=i,
                    micro_credential=target if isinstance(target, MicroCredential) else None,
                    stack=target if isinstance(target, Stack) else None,
                )
                for i, target in enumerate(step["options"], 1)
            )
        audit_record(actor=actor, action="pathway_save", subject=pathway, new_state=pathway.status)
    return pathway


def version_replace_rubric(
    *,
    actor: User | None,
    version: MicroCredentialVersion,
    content: dict[str, Any],
    requirements: list[dict[str, Any]],
    alignments: list[FrameworkItem],
) -> MicroCredentialVersion:
    """Rewrite a draft wholesale: content, requirements with their criteria, alignments.

    ``requirements``: [{key, kind, title, instructions, guiding_questions, word_limit,
    file_kinds, required, criteria: [{key, title, description, levels, required_level}]}]
    with ``required_level`` an index into ``levels``. Used by catalog import."""
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        _require_draft(version)
        _apply_content(version, content)
        version.save()
        version.alignments.set(alignments)
        version.requirements.all().delete()
        for position, raw in enumerate(requirements, 1):
            fields = {k: v for k, v in raw.items() if k != "criteria"}
            requirement = EvidenceRequirement.objects.create(version=version, position=position, **fields)
            RubricCriterion.objects.bulk_create(
                RubricCriterion(requirement=requirement, position=i, **criterion)
                for i, criterion in enumerate(raw.get("criteria", []), 1)
            )
        audit_record(actor=actor, action="version_replace_rubric", subject=version)
    return version
