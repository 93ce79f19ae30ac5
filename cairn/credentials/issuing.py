"""From an award in the database to the data the Open Badges composer needs (compose.py
stays pure; this module is the only place that reads models for it)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import reverse

from cairn.accounts.models import Organization
from cairn.catalog.models import MicroCredentialVersion
from cairn.credentials.keys import issuer_did
from cairn.credentials.models import Award
from cairn.credentials.openbadges import compose
from cairn.earning.models import PortfolioEntry
from cairn.review.models import CriterionScore, Review, ReviewStatus


def public_url(path: str) -> str:
    return f"{settings.CAIRN_PUBLIC_SCHEME}://{settings.CAIRN_PUBLIC_HOST}{path}"


def issuer_profile(issuer: Organization) -> compose.IssuerProfile:
    return compose.IssuerProfile(
        id=issuer_did(issuer),
        name=issuer.name,
        url=issuer.url or public_url(f"/catalog/?issuer={issuer.slug}"),
        email=issuer.email or None,
        image_url=public_url(reverse("credentials:issuer_image", args=[issuer.slug])),
    )


def version_url(version: MicroCredentialVersion) -> str:
    """The stable URL of one micro-credential version: the id of its Achievement."""
    return public_url(f"/catalog/mc/{version.micro_credential.slug}/?version={version.number}")


def evidence_path(public_id: UUID, requirement_key: str) -> str:
    return reverse("credentials:evidence", args=[public_id, requirement_key])


def award_credential_document(
    award: Award, *, public_id: UUID, salt: str, valid_from: datetime, status: compose.StatusEntry | None = None
) -> dict[str, Any]:
    if award.stack is not None:
        achievement, subject, evidence = _stack_achievement(award), _subject(award, salt), []
    else:
        achievement, subject = _micro_credential_achievement_and_subject(award, salt)
        evidence = _shared_evidence(award, public_id)
    return compose.compose_credential(
        credential_id=public_url(reverse("credentials:credential_json", args=[public_id])),
        name=award.title,
        valid_from=valid_from,
        issuer=issuer_profile(award.issuer),
        achievement=achievement,
        subject=subject,
        evidence=evidence,
        status=status,
    )


def _shared_evidence(award: Award, public_id: UUID) -> list[compose.EvidenceData]:
    """The evidence the educator chose to show, as the assessor saw it in the earning
    submission; each item links to its page beside the credential."""
    assert award.submission is not None and award.pursuit_id is not None
    shared = set(
        PortfolioEntry.objects.filter(pursuit_id=award.pursuit_id, in_credential=True).values_list(
            "requirement_id", flat=True
        )
    )
    evidence = []
    for item in award.submission.snapshot["requirements"]:
        if item["requirement_id"] not in shared:
            continue
        files = len(item["artifact_ids"])
        description = "; ".join(
            part
            for part in (
                f"Link: {item['link_url']}" if item["link_url"] else "",
                f"{files} file{'s' if files != 1 else ''}" if files else "",
            )
            if part
        )
        evidence.append(
            compose.EvidenceData(
                id=public_url(evidence_path(public_id, item["key"])),
                name=item["title"],
                description=description or None,
                narrative=item["text"] or None,
            )
        )
    return evidence


def _subject(award: Award, salt: str, **fields: Any) -> compose.SubjectData:
    return compose.SubjectData(
        identifier_hash=compose.hash_identity(award.educator.email, salt),
        salt=salt,
        did=award.educator.did or None,
        **fields,
    )


def _stack_achievement(award: Award) -> compose.AchievementData:
    """A stack's achievement names each micro-credential version it was earned with: the
    ``related`` achievements are exactly the ids in the component credentials."""
    stack = award.stack
    assert stack is not None
    components = award.components_in_stack_order()
    stack_url = public_url(reverse("catalog:stack", args=[stack.slug]))
    narrative = "Earn every micro-credential of this stack:\n\n" + "\n".join(
        f"{n}. {c.title}" for n, c in enumerate(components, 1)
    )
    return compose.AchievementData(
        id=stack_url,
        name=stack.title,
        description=stack.description or f"Every micro-credential of the {stack.title} stack.",
        criteria_narrative=narrative,
        criteria_url=stack_url,
        achievement_type="Certificate",
        image_url=public_url(award.image_path),
        creator=issuer_profile(stack.issuer),
        related=[
            compose.RelatedData(id=version_url(c.version), version=str(c.version.number))  # type: ignore[arg-type,union-attr]
            for c in components
        ],
    )


def _micro_credential_achievement_and_subject(
    award: Award, salt: str
) -> tuple[compose.AchievementData, compose.SubjectData]:
    version = award.version
    mc = award.micro_credential
    assert version is not None and mc is not None
    url = version_url(version)
    profile = issuer_profile(mc.issuer)
    criteria: list[compose.CriterionData] = []
    criterion_urls: dict[int, str] = {}
    level_ids: dict[int, list[str]] = {}
    requirements = list(version.requirements.prefetch_related("criteria"))
    for requirement in requirements:
        for criterion in requirement.criteria.all():
            criterion_url = f"{url}#criterion-{requirement.key}-{criterion.key}"
            ids = [f"{criterion_url}-level-{i}" for i in range(len(criterion.levels))]
            level_ids[criterion.pk] = ids
            criterion_urls[criterion.pk] = criterion_url
            criteria.append(
                compose.CriterionData(
                    id=criterion_url,
                    name=criterion.title,
                    levels=[
                        compose.LevelData(id=ids[i], name=lv["name"], description=lv.get("description") or None)
                        for i, lv in enumerate(criterion.levels)
                    ],
                    required_level_id=ids[criterion.required_level],
                )
            )
    narrative = "\n\n".join(
        f"{n}. {r.title}" + (f": {r.instructions}" if r.instructions else "") for n, r in enumerate(requirements, 1)
    )
    achievement = compose.AchievementData(
        id=url,
        name=version.title,
        description=version.competency,
        criteria_narrative=narrative,
        criteria_url=url,
        image_url=public_url(f"/catalog/mc/{mc.slug}/v{version.number}/image"),
        version=str(version.number),
        credits_available=version.pd_hours,
        creator=profile,
        alignments=[
            compose.AlignmentData(
                target_url=public_url(f"/catalog/?item={item.pk}"),
                target_name=item.title,
                target_code=item.code,
                target_framework=item.framework.name,
            )
            for item in version.alignments.select_related("framework")
        ],
        result_descriptions=criteria,
    )
    review = Review.objects.get(submission=award.submission, status=ReviewStatus.FINALIZED)
    scores = CriterionScore.objects.filter(review=review, level__isnull=False)
    subject = _subject(
        award,
        salt,
        results=[
            (criterion_urls[s.criterion_id], level_ids[s.criterion_id][s.level])
            for s in scores
            if s.level is not None and s.criterion_id in criterion_urls
        ],
        credits_earned=version.pd_hours,
    )
    return achievement, subject
