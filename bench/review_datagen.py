"""Synthetic review queue for benchmarks: N waiting submissions on top of a synthetic catalog.

The catalog comes from ``bench.datagen`` (50 micro-credentials by default, from 5 issuers),
plus one micro-credential whose version has exactly 8 rubric criteria (4 requirements of
2 criteria each), used to time saving a review with 8 scores.

People: two districts (the catalog's ``bench-north`` and ``bench-south``) with 20 schools
each, and a few thousand educators spread over those schools. Each waiting submission is
attempt 1 of its own pursuit (status ``submitted``), of a random (educator, micro-credential)
pair; one in five is attempt 2 instead, whose attempt 1 was decided "not yet" (a decided
submission with a finalized review), so the table holds decided history as well. On top of
the N waiting, N/50 more submissions are claimed right now by the two untimed assessors
(a live claim: a ``claimed`` review that has not expired), older than the waiting ones as
claims take the oldest first. None has expired, so every claim runs both of its candidate
queries (expired claims, then waiting) and the first finds nothing: the common case, and
it keeps every timed claim seeing the same queue.

Assessors, each a member of a district with the assessor role and an educator in a school
of their own (except ``broad``, who teaches in one of the submitters' schools, so the
same-school exclusion removes about 1/40 of their queue):

- ``broad``: qualified for every issuer, so almost every submission is theirs to claim;
- ``issuer``: qualified for one issuer (about a fifth of the catalog);
- ``narrow``: qualified for one ordinary micro-credential (about 2% of the queue);
- ``rubric8``: qualified for the 8-criteria micro-credential only;
- two more issuer-wide assessors that the benchmark does not time.

Rows are written with ``bulk_create``, skipping the services and their audit records and
notifications. What is left out because the queue, claim and save never read it: portfolio
entries and uploaded files (snapshots of upload requirements list no artifact ids), score
rows of the decided history's reviews, allauth email addresses (the benchmark signs in with
``force_login``). ``submitted_at`` is the insertion time, so history is older than the
waiting submissions, and waiting submissions are in random micro-credential order.

Content is deterministic for a given seed (apart from the random submission codes).
Import this module only after ``django.setup()``.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bench import datagen
from cairn.accounts.models import Membership, Organization, OrganizationKind, Role, User
from cairn.catalog.models import (
    EvidenceRequirement,
    MicroCredential,
    MicroCredentialVersion,
    RubricCriterion,
    VersionStatus,
)
from cairn.earning.models import Decision, Pursuit, PursuitStatus, QueueStatus, Submission
from cairn.review.models import AssessorQualification, Review, ReviewStatus

SCHOOLS_PER_DISTRICT = 20
DISTRICTS = ("bench-north", "bench-south")
RETRY_SHARE = 0.2  # waiting submissions that are a second attempt after a "not yet"
CLAIMED_SHARE = 0.02  # live claims, as a share of the waiting submissions (on top of them)
BATCH = 2000
WORDS = (
    "students evidence learning target feedback lesson small group revised plan exit ticket "
    "misconception discourse success criteria conference peer review growth reflection data "
    "strategy question model practice"
).split()


@dataclass
class GeneratedQueue:
    """What was generated, and the rows the benchmark looks at."""

    waiting: int
    history: int
    claimed: int
    micro_credentials: int
    educators: int
    schools: int
    assessors: dict[str, int] = field(default_factory=dict)  # profile -> user id
    rubric8_waiting: int = 0
    rubric8_criteria: int = 0
    snapshot_bytes: int = 0


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _snapshot(rng: random.Random, requirements: list[EvidenceRequirement]) -> dict[str, Any]:
    """The frozen portfolio, shaped as ``submission_submit`` writes it."""
    rows = []
    for r in requirements:
        written = not r.file_kinds
        rows.append(
            {
                "requirement_id": r.pk,
                "key": r.key,
                "title": r.title,
                "kind": r.kind,
                "text": _text(rng, rng.randint(80, 160)) if written else "",
                "link_url": "",
                "link_title": "",
                "artifact_ids": [],
            }
        )
    return {"requirements": rows}


def _rubric8_micro_credential(rng: random.Random, issuer: Organization) -> MicroCredential:
    """One micro-credential whose published version has 4 requirements × 2 criteria."""
    mc = MicroCredential.objects.create(slug="bench-rubric-8", issuer=issuer)
    topic, competency = datagen.TOPICS[0]
    version = datagen._version(rng, mc, 1, VersionStatus.PUBLISHED, f"{topic}: Eight Criteria", competency, "K–5")
    version.save()
    mc.current_version = version
    mc.save(update_fields=["current_version"])
    requirements = EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(version=version, position=position, **template)
        for position, template in enumerate(datagen.REQUIREMENT_TEMPLATES, 1)
    )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            requirement=requirement,
            key=key,
            position=position,
            title=title,
            description=f"{title} in the {requirement.title.lower()}.",
            levels=datagen.FOUR_LEVELS,
            required_level=2,
        )
        for requirement in requirements
        for position, (key, title) in enumerate(datagen.CRITERION_TITLES[:2], 1)
    )
    return mc


def _users(prefix: str, count: int) -> list[User]:
    # "!" marks an unusable password: nobody signs in with these accounts.
    return User.objects.bulk_create(
        (
            User(email=f"{prefix}{i:05d}@bench.test", full_name=f"{prefix.title()} {i}", password="!")
            for i in range(count)
        ),
        batch_size=BATCH,
    )


@transaction.atomic
def generate(
    n_waiting: int, *, seed: int = 2024, n_micro_credentials: int = 50, n_educators: int = 4000
) -> GeneratedQueue:
    """Write a catalog and a queue of ``n_waiting`` waiting submissions into an empty database."""
    rng = random.Random(seed)
    datagen.generate(n_micro_credentials, max(2, n_micro_credentials // 10), seed=seed)
    issuers = {o.slug: o for o in Organization.objects.filter(is_issuer=True)}
    rubric8 = _rubric8_micro_credential(rng, issuers[DISTRICTS[0]])

    mcs = list(MicroCredential.objects.select_related("current_version").order_by("id"))
    n_claimed = round(n_waiting * CLAIMED_SHARE)
    if n_waiting + n_claimed > len(mcs) * n_educators:
        raise ValueError("More submissions than (educator, micro-credential) pairs.")
    versions: list[MicroCredentialVersion] = []
    for mc in mcs:
        if mc.current_version is None:
            raise ValueError(f"{mc.slug} has no published version.")
        versions.append(mc.current_version)
    requirements: dict[int, list[EvidenceRequirement]] = {}
    for r in EvidenceRequirement.objects.filter(version__status=VersionStatus.PUBLISHED).order_by("position", "id"):
        requirements.setdefault(r.version_id, []).append(r)
    # A few snapshot texts per version, reused: generating 100,000 distinct texts is slow.
    snapshots = {v.pk: [_snapshot(rng, requirements[v.pk]) for _ in range(8)] for v in versions}

    # Schools of the two districts, and three more where assessors teach.
    schools = Organization.objects.bulk_create(
        Organization(
            slug=f"{district}-school-{s:02d}",
            name=f"{issuers[district].name} School {s + 1}",
            kind=OrganizationKind.SCHOOL,
            parent=issuers[district],
            state="SC",
        )
        for district in DISTRICTS
        for s in range(SCHOOLS_PER_DISTRICT)
    )
    assessor_schools = Organization.objects.bulk_create(
        Organization(
            slug=f"bench-assessor-school-{s}",
            name=f"Assessor School {s + 1}",
            kind=OrganizationKind.SCHOOL,
            parent=issuers[DISTRICTS[s % 2]],
            state="SC",
        )
        for s in range(3)
    )

    educators = _users("educator", n_educators)
    Membership.objects.bulk_create(
        (
            Membership(user=e, organization=schools[i % len(schools)], role=Role.EDUCATOR)
            for i, e in enumerate(educators)
        ),
        batch_size=BATCH,
    )

    # Assessors and what they are qualified for.
    profiles = ["broad", "issuer", "narrow", "rubric8", "north", "south"]
    assessors = dict(zip(profiles, _users("assessor", len(profiles)), strict=True))
    memberships = []
    for i, (profile, person) in enumerate(assessors.items()):
        district = issuers[DISTRICTS[i % 2]]
        school = schools[0] if profile == "broad" else assessor_schools[i % len(assessor_schools)]
        memberships += [
            Membership(user=person, organization=district, role=Role.ASSESSOR),
            Membership(user=person, organization=school, role=Role.EDUCATOR),
        ]
    Membership.objects.bulk_create(memberships)
    narrow_mc = next(mc for mc in mcs if mc.pk != rubric8.pk)
    qualifications = [AssessorQualification(assessor=assessors["broad"], issuer=issuer) for issuer in issuers.values()]
    qualifications += [
        AssessorQualification(assessor=assessors["issuer"], issuer=issuers[DISTRICTS[0]]),
        AssessorQualification(assessor=assessors["narrow"], micro_credential=narrow_mc),
        AssessorQualification(assessor=assessors["rubric8"], micro_credential=rubric8),
        AssessorQualification(assessor=assessors["north"], issuer=issuers[DISTRICTS[0]]),
        AssessorQualification(assessor=assessors["south"], issuer=issuers[DISTRICTS[1]]),
    ]
    AssessorQualification.objects.bulk_create(qualifications)

    # Pursuits: distinct (educator, micro-credential) pairs, in random order; the first
    # n_claimed are under review now, the others wait.
    sampled = rng.sample(range(n_educators * len(mcs)), n_claimed + n_waiting)
    claimed_pairs, pairs = sampled[:n_claimed], sampled[n_claimed:]
    retry = [rng.random() < RETRY_SHARE for _ in pairs]
    pursuits = Pursuit.objects.bulk_create(
        (
            Pursuit(
                educator=educators[p // len(mcs)],
                micro_credential=mcs[p % len(mcs)],
                version=versions[p % len(mcs)],
                status=PursuitStatus.SUBMITTED,
                attempt_limit=3,
                attempts_used=2 if again else 1,
            )
            for p, again in zip(pairs, retry, strict=True)
        ),
        batch_size=BATCH,
    )

    claimed_pursuits = Pursuit.objects.bulk_create(
        (
            Pursuit(
                educator=educators[p // len(mcs)],
                micro_credential=mcs[p % len(mcs)],
                version=versions[p % len(mcs)],
                status=PursuitStatus.IN_REVIEW,
                attempt_limit=3,
                attempts_used=1,
            )
            for p in claimed_pairs
        ),
        batch_size=BATCH,
    )

    # History first (so it is older): attempt 1 of the retried pursuits, decided "not yet".
    now = timezone.now()
    deciders = [assessors["north"], assessors["south"]]
    history = Submission.objects.bulk_create(
        (
            Submission(
                pursuit=pursuit,
                attempt=1,
                snapshot=rng.choice(snapshots[pursuit.version_id]),
                queue_status=QueueStatus.DECIDED,
                claimed_by=deciders[pursuit.pk % 2],  # the assessor who decided it
                claim_expires_at=now - timedelta(days=10),
                decision=Decision.NOT_YET,
                decided_at=now - timedelta(days=12),
            )
            for pursuit, again in zip(pursuits, retry, strict=True)
            if again
        ),
        batch_size=BATCH,
    )
    Review.objects.bulk_create(
        (
            Review(
                submission=submission,
                assessor=deciders[submission.pursuit_id % 2],
                status=ReviewStatus.FINALIZED,
                expires_at=now - timedelta(days=10),
                overall_comment="Thank you. Look again at the evidence of student learning.",
                decision=Decision.NOT_YET,
                finalized_at=now - timedelta(days=12),
            )
            for submission in history
        ),
        batch_size=BATCH,
    )
    # Then the live claims (claims take the oldest first), each with its claimed review;
    # like the history's, taken by the untimed assessors (their score rows are left out).
    expiries = [now + timedelta(hours=rng.randint(1, 71)) for _ in claimed_pursuits]
    claimed = Submission.objects.bulk_create(
        (
            Submission(
                pursuit=pursuit,
                attempt=1,
                snapshot=rng.choice(snapshots[pursuit.version_id]),
                queue_status=QueueStatus.CLAIMED,
                claimed_by=deciders[pursuit.pk % 2],
                claim_expires_at=expires,
            )
            for pursuit, expires in zip(claimed_pursuits, expiries, strict=True)
        ),
        batch_size=BATCH,
    )
    Review.objects.bulk_create(
        (
            Review(
                submission=submission,
                assessor=deciders[submission.pursuit_id % 2],
                status=ReviewStatus.CLAIMED,
                expires_at=expires,
            )
            for submission, expires in zip(claimed, expiries, strict=True)
        ),
        batch_size=BATCH,
    )
    Submission.objects.bulk_create(
        (
            Submission(
                pursuit=pursuit,
                attempt=2 if again else 1,
                snapshot=rng.choice(snapshots[pursuit.version_id]),
                change_note="Added annotated student work." if again else "",
            )
            for pursuit, again in zip(pursuits, retry, strict=True)
        ),
        batch_size=BATCH,
    )

    rubric8_waiting = sum(1 for p in pairs if mcs[p % len(mcs)].pk == rubric8.pk)
    if rubric8_waiting == 0:
        raise ValueError("No waiting submission of the 8-criteria micro-credential; generate more.")
    return GeneratedQueue(
        waiting=n_waiting,
        history=len(history),
        claimed=len(claimed),
        micro_credentials=len(mcs),
        educators=n_educators,
        schools=len(schools) + len(assessor_schools),
        assessors={profile: person.pk for profile, person in assessors.items()},
        rubric8_waiting=rubric8_waiting,
        rubric8_criteria=RubricCriterion.objects.filter(requirement__version=rubric8.current_version).count(),
        snapshot_bytes=len(json.dumps(snapshots[versions[0].pk][0])),
    )
