"""The micro-credential catalog: what can be earned, how it is judged, how it groups.

A MicroCredential is the stable identity (its slug never changes and appears in URLs and
in credentials); its content lives in MicroCredentialVersions. A published version never
changes: editing makes a new draft version, and publishing that draft supersedes the old
one, so anything earned or in progress keeps pointing at the version it started under.
"""

from decimal import Decimal

from django.db import models

from cairn.accounts.models import Organization


class Audience(models.TextChoices):
    TEACHERS = "teachers", "Teachers"
    PRINCIPALS = "principals", "Principals"
    ASSISTANT_PRINCIPALS = "assistant_principals", "Assistant principals"
    TEACHER_LEADERS = "teacher_leaders", "Teacher leaders"
    COACHES = "coaches", "Coaches"
    DISTRICT_LEADERS = "district_leaders", "District leaders"


class Framework(models.Model):
    """A published set of standards that micro-credentials align to (NC Professional
    Teaching Standards, Learning Forward, TEAM, MLDS...)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkItem(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=40, help_text="Unique within the framework, e.g. 'II.B'.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework__name", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.framework.name} {self.code} — {self.title}"


class MicroCredential(models.Model):
    """The identity of a micro-credential across all its versions."""

    slug = models.SlugField(max_length=100, unique=True)
    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="micro_credentials", limit_choices_to={"is_issuer": True}
    )
    # The version the public catalog shows; None until the first publication (or after retirement).
    current_version = models.OneToOneField(
        "MicroCredentialVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="unlocks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.current_version.title if self.current_version else self.slug


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    RETIRED = "retired", "Retired"


class PassRule(models.TextChoices):
    ALL = "all", "Every criterion at its required level"
    N_OF_M = "n_of_m", "At least N criteria at their required level"


class MicroCredentialVersion(models.Model):
    # Moves a version may make; services check every change against this table.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        VersionStatus.DRAFT: (VersionStatus.PUBLISHED,),
        VersionStatus.PUBLISHED: (VersionStatus.SUPERSEDED, VersionStatus.RETIRED),
        VersionStatus.SUPERSEDED: (),
        VersionStatus.RETIRED: (),
    }

    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    title = models.CharField(max_length=200)
    competency = models.TextField(help_text="The competency statement: what the educator can do.")
    key_method = models.TextField(blank=True)
    method_components = models.JSONField(default=list, blank=True)
    essential_outcomes = models.JSONField(default=list, blank=True)
    # [{"title": ..., "url": ...}]
    resources = models.JSONField(default=list, blank=True)
    audience = models.JSONField(default=list, blank=True)
    grade_bands = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    pd_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    estimated_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    image = models.ImageField(upload_to="catalog/images/", blank=True)
    pass_rule = models.CharField(max_length=10, choices=PassRule.choices, default=PassRule.ALL)
    pass_min_criteria = models.PositiveIntegerField(null=True, blank=True, help_text="N for an N-of-M rule.")
    sample_content = models.BooleanField(
        default=False, help_text="Requirements and rubric are illustrative, written where the source gave none."
    )
    alignments = models.ManyToManyField(FrameworkItem, blank=True, related_name="aligned_versions")
    # Lower-cased title, competency and outcomes, so catalog search is one indexed-free LIKE
    # on a single column on every database.
    search_text = models.TextField(blank=True, editable=False)
    # " teachers principals ": audience membership as a substring test that works on SQLite
    # and PostgreSQL alike (JSON containment lookups are not available on SQLite).
    audience_tags = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["micro_credential_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "number"], name="mc_version_number_unique"),
            # At most one draft and one published version per micro-credential at a time.
            models.UniqueConstraint(
                fields=["micro_credential"],
                condition=models.Q(status="draft"),
                name="mc_one_draft",
            ),
            models.UniqueConstraint(
                fields=["micro_credential"],
                condition=models.Q(status="published"),
                name="mc_one_published",
            ),
        ]
        indexes = [models.Index(fields=["status", "title"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number}, {self.status})"

    def refresh_search_fields(self) -> None:
        parts = [self.title, self.competency, self.key_method, *self.essential_outcomes]
        self.search_text = " ".join(p for p in parts if p).lower()
        self.audience_tags = " " + " ".join(self.audience) + " " if self.audience else ""

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(a, a) for a in self.audience]

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class RequirementKind(models.TextChoices):
    WRITTEN = "written", "Written response to guiding questions"
    UPLOAD = "upload", "File upload"
    LINK = "link", "Link"
    ANALYSIS = "analysis", "Written analysis"
    REFLECTION = "reflection", "Reflection"


class FileKind(models.TextChoices):
    DOCUMENT = "document", "Documents"
    IMAGE = "image", "Images"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    STUDENT_WORK = "student_work", "Student-work samples"


class EvidenceRequirement(models.Model):
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="requirements")
    key = models.SlugField(max_length=80, help_text="Stable within the micro-credential, e.g. 'narrative'.")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=RequirementKind.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    guiding_questions = models.JSONField(default=list, blank=True)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    file_kinds = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="requirement_key_unique")]

    def __str__(self) -> str:
        return self.title

    def file_kind_labels(self) -> list[str]:
        labels = dict(FileKind.choices)
        return [labels.get(k, k) for k in self.file_kinds]


class RubricCriterion(models.Model):
    """One thing an assessor judges. ``levels`` is the ordered scale, lowest first
    ([{"name": "Not yet", "description": ...}, ...]); ``required_level`` indexes into it."""

    requirement = models.ForeignKey(EvidenceRequirement, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    levels = models.JSONField(default=list)
    required_level = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["requirement", "key"], name="criterion_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def required_level_name(self) -> str:
        return str(self.levels[self.required_level]["name"])

    def level_rows(self) -> list[dict[str, object]]:
        return [
            {
                "index": i,
                "name": lv["name"],
                "description": lv.get("description", ""),
                "meets": i >= self.required_level,
            }
            for i, lv in enumerate(self.levels)
        ]


class CatalogStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Stack(models.Model):
    """Micro-credentials whose completion together earns a stack credential."""

    slug = models.SlugField(max_length=100, unique=True)
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="stacks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=CatalogStatus.choices, default=CatalogStatus.PUBLISHED)
    micro_credentials = models.ManyToManyField(MicroCredential, through="StackItem", related_name="stacks")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class StackItem(models.Model):
    stack = models.ForeignKey(Stack, on_delete=models.CASCADE, related_name="items")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="stack_items")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["stack", "micro_credential"], name="stack_item_unique")]

    def __str__(self) -> str:
        return f"{self.stack_id}#{self.position}"


class Pathway(models.Model):
    """An ordered route of steps toward a role or certificate.

    Completion needs every step satisfied, at least ``min_count`` distinct micro-credentials
    across the pathway when set (Juab: 12), and, when ``committee_review`` is on, a final
    review by a committee (recorded by the programs app)."""

    slug = models.SlugField(max_length=100, unique=True)
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pathways")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=CatalogStatus.choices, default=CatalogStatus.PUBLISHED)
    min_count = models.PositiveIntegerField(null=True, blank=True)
    committee_review = models.BooleanField(default=False)
    committee_review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PathwayStep(models.Model):
    """One step: a set of options (micro-credentials and/or stacks) of which
    ``required_count`` must be completed (None: all of them). A prerequisite step must be
    complete before any later step counts as open."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_prerequisite = models.BooleanField(default=False)
    required_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class PathwayStepOption(models.Model):
    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    micro_credential = models.ForeignKey(MicroCredential, null=True, blank=True, on_delete=models.PROTECT)
    stack = models.ForeignKey(Stack, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(micro_credential__isnull=False, stack__isnull=True))
                | (models.Q(micro_credential__isnull=True, stack__isnull=False)),
                name="step_option_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"step {self.step_id} option {self.position}"
