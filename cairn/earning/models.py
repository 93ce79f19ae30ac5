"""The educator's side of earning: a Pursuit of one micro-credential version, its working
Portfolio (one PortfolioEntry per evidence requirement, plus uploaded Artifacts), and the
immutable Submissions (attempts) made from it."""

import secrets

from django.conf import settings
from django.db import models

from cairn.catalog.models import EvidenceRequirement, MicroCredential, MicroCredentialVersion


class PursuitStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    NOT_YET = "not_yet", "Not yet"
    EARNED = "earned", "Earned"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Pursuit(models.Model):
    """One educator working toward one micro-credential, under the version they started.

    A pursuit may later belong to a program (the programs app adds that link); on their own
    initiative educators pursue from the public catalog."""

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        PursuitStatus.IN_PROGRESS: (PursuitStatus.SUBMITTED, PursuitStatus.WITHDRAWN),
        PursuitStatus.SUBMITTED: (PursuitStatus.IN_REVIEW, PursuitStatus.WITHDRAWN),
        # Back to SUBMITTED when an assessor's claim expires or is released.
        PursuitStatus.IN_REVIEW: (PursuitStatus.NOT_YET, PursuitStatus.EARNED, PursuitStatus.SUBMITTED),
        PursuitStatus.NOT_YET: (PursuitStatus.IN_PROGRESS, PursuitStatus.WITHDRAWN),
        PursuitStatus.EARNED: (),
        PursuitStatus.WITHDRAWN: (),
    }
    ACTIVE = (PursuitStatus.IN_PROGRESS, PursuitStatus.SUBMITTED, PursuitStatus.IN_REVIEW, PursuitStatus.NOT_YET)

    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pursuits")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="pursuits")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="pursuits")
    status = models.CharField(max_length=20, choices=PursuitStatus.choices, default=PursuitStatus.IN_PROGRESS)
    attempt_limit = models.PositiveIntegerField()
    attempts_used = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            # One live pursuit per person and micro-credential; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["educator", "micro_credential"],
                condition=~models.Q(status="withdrawn"),
                name="pursuit_one_live_per_micro_credential",
            )
        ]
        indexes = [
            models.Index(fields=["educator", "status"]),
            models.Index(fields=["educator", "-updated_at"], name="pursuit_dashboard_order"),
        ]

    def __str__(self) -> str:
        return f"{self.educator} → {self.version.title} ({self.status})"

    @property
    def attempts_left(self) -> int:
        return max(self.attempt_limit - self.attempts_used, 0)

    @property
    def is_editable(self) -> bool:
        return self.status == PursuitStatus.IN_PROGRESS


class PortfolioEntry(models.Model):
    """The educator's working answer to one evidence requirement. Autosave writes here;
    ``revision`` grows with every save so a late, stale autosave cannot overwrite newer text."""

    pursuit = models.ForeignKey(Pursuit, on_delete=models.CASCADE, related_name="entries")
    requirement = models.ForeignKey(EvidenceRequirement, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    link_url = models.URLField(max_length=1000, blank=True)
    link_title = models.CharField(max_length=200, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # The educator's choice to show this evidence, as assessed, in their credential: anyone who
    # can see the credential can then open it. Off unless they turn it on.
    in_credential = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pursuit", "requirement"], name="entry_one_per_requirement")]

    def __str__(self) -> str:
        return f"entry {self.pk} (pursuit {self.pursuit_id})"


def artifact_path(instance: "Artifact", filename: str) -> str:
    # A random name: the educator's original name is kept in the database, never in a path.
    return f"evidence/{instance.pursuit_id}/{secrets.token_hex(16)}"


class Artifact(models.Model):
    """An uploaded evidence file. Removing it from the portfolio only hides it: a frozen
    submission may still include it."""

    pursuit = models.ForeignKey(Pursuit, on_delete=models.CASCADE, related_name="artifacts")
    requirement = models.ForeignKey(EvidenceRequirement, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=artifact_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


def new_submission_code() -> str:
    """An anonymous code assessors see instead of a name (no 0/O/1/I to misread)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "S-" + "".join(secrets.choice(alphabet) for _ in range(8))


class QueueStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an assessor"
    CLAIMED = "claimed", "Being reviewed"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Decision(models.TextChoices):
    EARNED = "earned", "Earned"
    NOT_YET = "not_yet", "Not yet"


class Submission(models.Model):
    """One attempt, frozen at submission: ``snapshot`` holds the text and links of every
    requirement exactly as submitted, ``artifacts`` the files. Nothing here changes later
    except the queue bookkeeping and the decision."""

    pursuit = models.ForeignKey(Pursuit, on_delete=models.PROTECT, related_name="submissions")
    attempt = models.PositiveIntegerField()
    code = models.CharField(max_length=12, unique=True, default=new_submission_code)
    snapshot = models.JSONField()
    artifacts = models.ManyToManyField(Artifact, blank=True, related_name="submissions")
    change_note = models.TextField(blank=True, help_text="What the educator changed since the last attempt.")
    submitted_at = models.DateTimeField(auto_now_add=True)
    queue_status = models.CharField(max_length=20, choices=QueueStatus.choices, default=QueueStatus.WAITING)
    # The claim currently holding this submission (bookkeeping for the queue; the Review row is the record).
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["pursuit", "attempt"], name="submission_one_per_attempt")]
        indexes = [
            models.Index(fields=["queue_status", "submitted_at"]),
            # The open part of the review queue, in claim order (see bench/review_queue.py).
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(queue_status__in=["waiting", "claimed"]),
                name="submission_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} (attempt {self.attempt})"
