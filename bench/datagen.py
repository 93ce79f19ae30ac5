"""Synthetic catalog for benchmarks: N published micro-credentials in S stacks.

Rows are written with ``bulk_create`` (the benchmark measures reads, so setup skips the
services and their audit records), but every row is one the services could have written:
each micro-credential has a published version with ``status="published"``,
``current_version`` points at it, and ``search_text``/``audience_tags`` come from
``MicroCredentialVersion.refresh_search_fields()``. About one in ten micro-credentials
also keeps an older, superseded version.

Content is deterministic for a given seed. Exactly one title in twenty carries
``SEARCH_WORD`` (and no other text does), so a search for it matches 5% of the catalog.

Import this module only after ``django.setup()``.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import Organization, OrganizationKind
from cairn.catalog.models import (
    Audience,
    EvidenceRequirement,
    Framework,
    FrameworkItem,
    MicroCredential,
    MicroCredentialVersion,
    PassRule,
    Pathway,
    PathwayStep,
    PathwayStepOption,
    RequirementKind,
    RubricCriterion,
    Stack,
    StackItem,
    VersionStatus,
)

SEARCH_WORD = "restorative"
SEARCH_TOPIC = ("Restorative Practices", "uses restorative circles and conversations to repair harm and rebuild trust")

TOPICS = [
    ("Formative Assessment", "uses checks for understanding to adjust instruction within the lesson"),
    ("Performance Assessment Design", "designs performance tasks that ask students to transfer their learning"),
    ("Competency-Based Grading", "reports student progress against clearly described competencies"),
    ("Academic Discourse", "structures student talk so that every student explains and defends ideas"),
    ("Culturally Responsive Teaching", "connects instruction to students' identities, languages and communities"),
    ("Foundational Literacy", "teaches phonemic awareness, phonics and fluency with systematic routines"),
    ("Writing Across the Curriculum", "uses writing as a tool for thinking in every content area"),
    ("Mathematical Modeling", "engages students in modeling real situations with mathematics"),
    ("Student Goal Setting", "helps students set, monitor and reflect on their own learning goals"),
    ("Small-Group Instruction", "groups students flexibly from data and plans targeted instruction"),
    ("Family Partnership", "builds two-way communication with families about student learning"),
    ("Data-Driven Instruction", "analyzes student work and assessment data to plan next steps"),
    ("Classroom Community", "establishes routines and norms that make the classroom safe for risk-taking"),
    ("Instructional Coaching", "coaches colleagues through cycles of goal setting, observation and feedback"),
    ("Professional Learning Communities", "leads a team of colleagues through collaborative inquiry cycles"),
    ("Inquiry-Based Science", "designs investigations in which students ask questions and gather evidence"),
    ("Digital Learning", "selects digital tools that deepen learning rather than replace practice"),
    ("Multilingual Learners", "scaffolds academic language so multilingual learners access grade-level content"),
    ("Instructional Leadership", "sets a school-wide instructional vision and monitors its implementation"),
]
FACETS = [
    "Foundations",
    "Planning",
    "In Practice",
    "Feedback",
    "Differentiation",
    "Using Evidence",
    "Coaching Peers",
    "Leading Teams",
    "Equity Lens",
    "Student Voice",
    "Reflection",
    "Scaling Up",
]
BANDS = ["K–5", "6–8", "9–12"]
LEVELS = ["I", "II", "III"]
GRADE_BANDS = {"K–5": ["K", "1", "2", "3", "4", "5"], "6–8": ["6", "7", "8"], "9–12": ["9", "10", "11", "12"]}
SUBJECTS = ["ELA", "Mathematics", "Science", "Social studies", "Arts", "World languages", "All subjects"]
OUTCOMES = [
    "Plans that name the evidence of learning expected from each student",
    "Instruction adjusted in response to what students show",
    "Students who can describe where they are and what comes next",
    "Feedback that is timely, specific and acted on",
    "A classroom record of growth over several weeks",
    "Colleagues who adopt the practice after seeing it modeled",
]
METHOD_COMPONENTS = [
    "Clarify the learning target",
    "Collect evidence from every student",
    "Interpret the evidence against success criteria",
    "Act on the evidence within the lesson",
    "Reflect with students on their progress",
]
REQUIREMENT_TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "context",
        "kind": RequirementKind.WRITTEN,
        "title": "Context and plan",
        "instructions": "Describe your students, your setting and the plan you made for this practice.",
        "guiding_questions": ["Who are your learners?", "What did you plan, and why?"],
        "word_limit": 500,
        "file_kinds": [],
    },
    {
        "key": "artifact",
        "kind": RequirementKind.UPLOAD,
        "title": "Classroom artifact",
        "instructions": "Upload the lesson plan, task or tool you used.",
        "guiding_questions": [],
        "word_limit": None,
        "file_kinds": ["document", "image"],
    },
    {
        "key": "student-work",
        "kind": RequirementKind.UPLOAD,
        "title": "Student-work samples",
        "instructions": "Upload three samples of student work with your annotations: one high, one middle, one low.",
        "guiding_questions": ["What does each sample show about the learning target?"],
        "word_limit": None,
        "file_kinds": ["student_work", "video"],
    },
    {
        "key": "reflection",
        "kind": RequirementKind.REFLECTION,
        "title": "Reflection",
        "instructions": "Reflect on the impact of the practice on your students and on your own teaching.",
        "guiding_questions": ["What changed for your students?", "What will you do differently next time?"],
        "word_limit": 750,
        "file_kinds": [],
    },
]
CRITERION_TITLES = [
    ("alignment", "Aligned to the competency"),
    ("evidence", "Evidence of student learning"),
    ("analysis", "Depth of analysis"),
    ("next-steps", "Actionable next steps"),
    ("clarity", "Clarity of communication"),
]
FOUR_LEVELS = [
    {"name": "Not yet", "description": "The submission does not yet show this."},
    {"name": "Developing", "description": "Partly shown; important elements are missing."},
    {"name": "Proficient", "description": "Shown clearly and consistently."},
    {"name": "Exemplary", "description": "Shown with insight that others could learn from."},
]
TWO_LEVELS = [
    {"name": "Not yet", "description": "Not yet demonstrated."},
    {"name": "Demonstrated", "description": "Demonstrated."},
]
AUDIENCE_WEIGHTS = [
    (Audience.TEACHERS, 0.8),
    (Audience.TEACHER_LEADERS, 0.3),
    (Audience.COACHES, 0.25),
    (Audience.PRINCIPALS, 0.15),
    (Audience.ASSISTANT_PRINCIPALS, 0.1),
    (Audience.DISTRICT_LEADERS, 0.05),
]
ISSUERS = [
    ("bench-state", "State Department of Education", OrganizationKind.STATE_AGENCY, None),
    ("bench-north", "Northern Valley School District", OrganizationKind.DISTRICT, "bench-state"),
    ("bench-south", "South County Public Schools", OrganizationKind.DISTRICT, "bench-state"),
    ("bench-cce", "Center for Collaborative Practice", OrganizationKind.NONPROFIT, None),
    ("bench-leaders", "Education Leaders Network", OrganizationKind.NETWORK, None),
]
STANDARDS = [
    "Teachers demonstrate leadership",
    "Teachers establish a respectful environment for a diverse population of students",
    "Teachers know the content they teach",
    "Teachers facilitate learning for their students",
    "Teachers reflect on their practice",
]


@dataclass
class GeneratedCatalog:
    """What was generated, and the rows the benchmark looks at."""

    micro_credentials: int
    stacks: int
    versions: int
    requirements: int
    criteria: int
    alignments: int
    pathways: int
    search_word: str
    search_matches: int
    framework_item_id: int
    audience: str
    filter_matches: int
    mc_slug: str
    stack_slug: str
    stack_size: int
    pathway_slug: str
    pathway_shape: str


def _audience(rng: random.Random) -> list[str]:
    chosen = [str(value) for value, weight in AUDIENCE_WEIGHTS if rng.random() < weight]
    return chosen or [str(Audience.TEACHERS)]


def _title_pool(rng: random.Random) -> list[tuple[str, str, str]]:
    """(title, topic competency, band) for every ordinary combination, shuffled."""
    pool = [
        (f"{topic}: {facet} ({band}, Level {level})", competency, band)
        for topic, competency in TOPICS
        for facet in FACETS
        for band in BANDS
        for level in LEVELS
    ]
    rng.shuffle(pool)
    return pool


def _version(
    rng: random.Random, mc: MicroCredential, number: int, status: str, title: str, competency: str, band: str
) -> MicroCredentialVersion:
    published = timezone.now() - timedelta(days=rng.randint(1, 900))
    pd = Decimal(rng.choice([3, 5, 5, 10, 10, 10, 15, 20, 30]))
    version = MicroCredentialVersion(
        micro_credential=mc,
        number=number,
        status=status,
        title=title,
        competency=f"The educator {competency}.",
        key_method=f"The educator {competency}, following a cycle of planning, practice and reflection.",
        method_components=rng.sample(METHOD_COMPONENTS, rng.randint(2, 4)),
        essential_outcomes=rng.sample(OUTCOMES, rng.randint(2, 3)),
        resources=[{"title": "Research brief", "url": "https://example.org/research"}],
        audience=_audience(rng),
        grade_bands=GRADE_BANDS[band],
        subjects=rng.sample(SUBJECTS, rng.randint(1, 2)),
        pd_hours=pd,
        estimated_hours=pd + Decimal(rng.choice([0, 2, 5])),
        pass_rule=PassRule.ALL,
        published_at=published,
    )
    version.refresh_search_fields()
    return version


@transaction.atomic
def generate(n_micro_credentials: int, n_stacks: int, *, seed: int = 2024, n_pathways: int = 2) -> GeneratedCatalog:
    """Write the catalog into an empty database and describe it."""
    if n_micro_credentials < 20 or n_stacks < 2:
        raise ValueError("Generate at least 20 micro-credentials in 2 stacks.")
    rng = random.Random(seed)

    # Issuers.
    issuers: dict[str, Organization] = {}
    for slug, name, kind, parent in ISSUERS:
        issuers[slug] = Organization.objects.create(
            slug=slug, name=name, kind=kind, parent=issuers.get(parent or ""), state="SC", is_issuer=True
        )
    issuer_list = list(issuers.values())

    # One framework: five standards with nine elements each (50 items).
    framework = Framework.objects.create(
        slug="bench-pts", name="Professional Teaching Standards", publisher="State Board of Education"
    )
    standards = FrameworkItem.objects.bulk_create(
        FrameworkItem(framework=framework, code=roman, title=title, position=i)
        for i, (roman, title) in enumerate(zip(["I", "II", "III", "IV", "V"], STANDARDS, strict=True), 1)
    )
    elements = FrameworkItem.objects.bulk_create(
        FrameworkItem(
            framework=framework,
            parent=standard,
            code=f"{standard.code}.{letter}",
            title=f"{standard.title}: element {letter}",
            description="Element of the standard, with indicators of practice.",
            position=standard.position * 10 + j,
        )
        for standard in standards
        for j, letter in enumerate("ABCDEFGHI", 1)
    )

    # Micro-credentials, with their versions (the first one gets everything the detail page shows).
    mcs = MicroCredential.objects.bulk_create(
        MicroCredential(slug=f"mc-{i:05d}", issuer=rng.choice(issuer_list)) for i in range(n_micro_credentials)
    )
    pool = _title_pool(rng)
    versions: list[MicroCredentialVersion] = []
    current: list[MicroCredentialVersion] = []
    for i, mc in enumerate(mcs):
        if i % 20 == 0:
            title = f"{SEARCH_TOPIC[0]}: {rng.choice(FACETS)} ({rng.choice(BANDS)}, Level {rng.choice(LEVELS)})"
            competency, band = SEARCH_TOPIC[1], rng.choice(BANDS)
        else:
            title, competency, band = pool[i % len(pool)]
        number = 1
        if i == 1 or rng.random() < 0.1:
            versions.append(_version(rng, mc, 1, VersionStatus.SUPERSEDED, title, competency, band))
            number = 2
        published = _version(rng, mc, number, VersionStatus.PUBLISHED, title, competency, band)
        versions.append(published)
        current.append(published)
    MicroCredentialVersion.objects.bulk_create(versions)
    for mc, version in zip(mcs, current, strict=True):
        mc.current_version = version
    MicroCredential.objects.bulk_update(mcs, ["current_version"])

    # Alignments: 1–3 framework elements per version.
    through = MicroCredentialVersion.alignments.through
    alignment_rows = []
    for version in versions:
        count = 3 if version.micro_credential_id == mcs[1].pk else rng.randint(1, 3)
        for item in rng.sample(elements, count):
            alignment_rows.append(through(microcredentialversion_id=version.pk, frameworkitem_id=item.pk))
    through.objects.bulk_create(alignment_rows)

    # Evidence requirements (2–4 per version), each with 1–3 rubric criteria.
    requirements: list[EvidenceRequirement] = []
    for version in versions:
        count = 3 if version.micro_credential_id == mcs[1].pk else rng.randint(2, 4)
        templates = [REQUIREMENT_TEMPLATES[0], *rng.sample(REQUIREMENT_TEMPLATES[1:], count - 1)]
        for position, template in enumerate(templates, 1):
            requirements.append(EvidenceRequirement(version=version, position=position, **template))
    EvidenceRequirement.objects.bulk_create(requirements)
    criteria: list[RubricCriterion] = []
    for requirement in requirements:
        for position, (key, title) in enumerate(rng.sample(CRITERION_TITLES, rng.randint(1, 3)), 1):
            four = rng.random() < 0.7
            criteria.append(
                RubricCriterion(
                    requirement=requirement,
                    key=key,
                    position=position,
                    title=title,
                    description=f"{title} in the {requirement.title.lower()}.",
                    levels=FOUR_LEVELS if four else TWO_LEVELS,
                    required_level=2 if four else 1,
                )
            )
    RubricCriterion.objects.bulk_create(criteria)

    # Prerequisites: about 15% of micro-credentials build on one or two earlier ones.
    prereq_through = MicroCredential.prerequisites.through
    prereq_rows = [prereq_through(from_microcredential_id=mcs[1].pk, to_microcredential_id=mcs[0].pk)]
    for i in range(2, len(mcs)):
        if rng.random() < 0.15:
            for earlier in rng.sample(mcs[:i], min(i, rng.randint(1, 2))):
                prereq_rows.append(prereq_through(from_microcredential_id=mcs[i].pk, to_microcredential_id=earlier.pk))
    prereq_through.objects.bulk_create(prereq_rows)

    # Stacks of 3–8 micro-credentials, drawn from a shuffled order (mc-00001 leads the first stack).
    order = mcs[2:]
    rng.shuffle(order)
    order = [mcs[1], mcs[0], *order]
    stacks = Stack.objects.bulk_create(
        Stack(
            slug=f"stack-{s:04d}",
            issuer=rng.choice(issuer_list),
            title=f"{rng.choice(TOPICS)[0]} Stack {s + 1}",
            description="Earn every micro-credential in this stack to earn the stack credential.",
            status="published",
        )
        for s in range(n_stacks)
    )
    stack_items: list[StackItem] = []
    cursor = 0
    for stack in stacks:
        for position in range(1, rng.randint(3, 8) + 1):
            stack_items.append(StackItem(stack=stack, micro_credential=order[cursor % len(order)], position=position))
            cursor += 1
    StackItem.objects.bulk_create(stack_items)

    # Pathways of a fixed shape, so the pathway page does the same work at every catalog size.
    pathways: list[Pathway] = []
    plans: list[list[tuple[str, bool, int | None, list[MicroCredential | Stack]]]] = []
    for p in range(n_pathways):
        pathway = Pathway.objects.create(
            slug=f"pathway-{p + 1}",
            issuer=issuer_list[p % len(issuer_list)],
            title=["Teacher Leader Pathway", "Instructional Coach Pathway"][p % 2] + (f" {p + 1}" if p > 1 else ""),
            description="An ordered route of micro-credentials and stacks toward a role.",
            min_count=12 if p % 2 == 0 else None,
            committee_review=p % 2 == 0,
        )
        pathways.append(pathway)
        base = 40 * p
        plan: list[tuple[str, bool, int | None, list[MicroCredential | Stack]]] = [
            ("Foundations", True, None, [mcs[(base + 0) % len(mcs)]]),
            ("Core stacks", False, 2, [stacks[(p * 6 + k) % len(stacks)] for k in range(4)]),
            ("Electives", False, 3, [mcs[(base + 1 + k) % len(mcs)] for k in range(6)]),
            ("Capstone", False, None, [mcs[(base + 10) % len(mcs)], stacks[(p * 6 + 5) % len(stacks)]]),
        ]
        plans.append(plan)
        for position, (title, is_prerequisite, required, targets) in enumerate(plan, 1):
            step = PathwayStep.objects.create(
                pathway=pathway,
                position=position,
                title=title,
                description=f"{title} of the pathway.",
                is_prerequisite=is_prerequisite,
                required_count=required,
            )
            PathwayStepOption.objects.bulk_create(
                PathwayStepOption(
                    step=step,
                    position=k,
                    micro_credential=target if isinstance(target, MicroCredential) else None,
                    stack=target if isinstance(target, Stack) else None,
                )
                for k, target in enumerate(targets, 1)
            )

    item = elements[0]
    audience = str(Audience.TEACHERS)
    listed = MicroCredentialVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return GeneratedCatalog(
        micro_credentials=len(mcs),
        stacks=len(stacks),
        versions=len(versions),
        requirements=len(requirements),
        criteria=len(criteria),
        alignments=len(alignment_rows),
        pathways=len(pathways),
        search_word=SEARCH_WORD,
        search_matches=listed.filter(search_text__contains=SEARCH_WORD).count(),
        framework_item_id=item.pk,
        audience=audience,
        filter_matches=listed.filter(alignments=item, audience_tags__contains=f" {audience} ").count(),
        mc_slug=mcs[1].slug,
        stack_slug=stacks[0].slug,
        stack_size=sum(1 for row in stack_items if row.stack_id == stacks[0].pk),
        pathway_slug=pathways[0].slug,
        pathway_shape=f"{len(plans[0])} steps, {sum(len(targets) for *_, targets in plans[0])} options",
    )
