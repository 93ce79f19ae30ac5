"""The assessor's side: who may assess what, and each assessor's scores on a submission."""

from django.conf import settings
from django.db import models

from cairn.accounts.models import Organization
from cairn.catalog.models import MicroCredential, RubricCriterion
from cairn.earning.models import Decision, Submission


class AssessorQualification(models.Model):
    """An assessor is trained for one micro-credential, or for everything an issuer publishes."""

    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    micro_credential = models.ForeignKey(MicroCredential, null=True, blank=True, on_delete=models.CASCADE)
    issuer = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(micro_credential__isnull=False, issuer__isnull=True)
                | models.Q(micro_credential__isnull=True, issuer__isnull=False),
                name="qualification_exactly_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} for {self.micro_credential or self.issuer}"


class ReviewStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    FINALIZED = "finalized", "Finalized"
    EXPIRED = "expired", "Claim expired"
    RELEASED = "released", "Released"


class Review(models.Model):
    """One assessor's scoring of one submission, from claim to decision."""

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        ReviewStatus.CLAIMED: (ReviewStatus.FINALIZED, ReviewStatus.EXPIRED, ReviewStatus.RELEASED),
        ReviewStatus.FINALIZED: (),
        ReviewStatus.EXPIRED: (),
        ReviewStatus.RELEASED: (),
    }

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reviews")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.CLAIMED)
    claimed_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    overall_comment = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            # A submission has at most one live claim and one decision.
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(status__in=["claimed", "finalized"]),
                name="review_one_live_per_submission",
            )
        ]
        indexes = [models.Index(fields=["assessor", "status"])]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.submission.code} ({self.status})"


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveIntegerField(null=True, blank=True, help_text="Index into the criterion's levels.")
    feedback = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion")]

    def __str__(self) -> str:
        return f"score {self.criterion_id}={self.level}"

    @property
    def meets(self) -> bool:
        return self.level is not None and self.level >= self.criterion.required_level
