"""From an award in the database to the data the Open Badges composer needs (compose.py
stays pure; this module is the only place that reads models for it)."""

from datetime import datetime
from typing import Any

from django.conf import settings

from cairn.credentials.keys import issuer_did
from cairn.credentials.models import Award
from cairn.credentials.openbadges import compose
from cairn.review.models import CriterionScore, Review, ReviewStatus


def public_url(path: str) -> str:
    return f"{settings.CAIRN_PUBLIC_SCHEME}://{settings.CAIRN_PUBLIC_HOST}{path}"


def award_credential_document(
    award: Award, *, credential_url: str, salt: str, valid_from: datetime, status: compose.StatusEntry | None = None
) -> dict[str, Any]:
    version = award.version
    mc = award.micro_credential
    issuer = mc.issuer
    version_url = public_url(f"/catalog/mc/{mc.slug}/?version={version.number}")
    profile = compose.IssuerProfile(
        id=issuer_did(issuer),
        name=issuer.name,
        url=issuer.url or public_url(f"/catalog/?issuer={issuer.slug}"),
        email=issuer.email or None,
    )
    criteria: list[compose.CriterionData] = []
    criterion_urls: dict[int, str] = {}
    level_ids: dict[int, list[str]] = {}
    requirements = list(version.requirements.prefetch_related("criteria"))
    for requirement in requirements:
        for criterion in requirement.criteria.all():
            criterion_url = f"{version_url}#criterion-{requirement.key}-{criterion.key}"
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
        id=version_url,
        name=version.title,
        description=version.competency,
        criteria_narrative=narrative,
        criteria_url=version_url,
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
    subject = compose.SubjectData(
        identifier_hash=compose.hash_identity(award.educator.email, salt),
        salt=salt,
        results=[
            (criterion_urls[s.criterion_id], level_ids[s.criterion_id][s.level])
            for s in scores
            if s.level is not None and s.criterion_id in criterion_urls
        ],
        credits_earned=version.pd_hours,
    )
    return compose.compose_credential(
        credential_id=credential_url,
        name=version.title,
        valid_from=valid_from,
        issuer=profile,
        achievement=achievement,
        subject=subject,
        status=status,
    )
