from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    SUBMISSION_RECEIVED = "submission_received", "Submission received"
    SUBMISSION_CLAIMED = "submission_claimed", "An assessor is reviewing your submission"
    DECISION = "decision", "Decision"
    FEEDBACK = "feedback", "Feedback available"
    CLAIM_EXPIRING = "claim_expiring", "Claim about to expire"


class Notification(models.Model):
    """An in-app message; the same message goes out by email from a background task."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
