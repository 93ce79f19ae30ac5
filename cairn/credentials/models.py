"""Awards: the earned result of a pursuit. The signed Open Badges 3.0 credential for an award
is composed and signed by the credentials issue's task; the award row is the fact it attests."""

from django.conf import settings
from django.db import models

from cairn.catalog.models import MicroCredential, MicroCredentialVersion
from cairn.earning.models import Pursuit, Submission


class Award(models.Model):
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="awards")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="awards")
    # One award per pursuit: awards are never issued twice.
    pursuit = models.OneToOneField(Pursuit, on_delete=models.PROTECT, related_name="award")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="award")
    awarded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]

    def __str__(self) -> str:
        return f"award {self.pk}: {self.version.title} to {self.educator}"


class IssuerKey(models.Model):
    """An Ed25519 signing key of an issuer. The private key is stored encrypted with the
    key-encryption key from settings; keys are never deleted, so credentials signed with an
    older key keep verifying after a rotation."""

    issuer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="signing_keys")
    public_key_multibase = models.CharField(max_length=100, unique=True)
    private_key_encrypted = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.issuer.slug} key {self.public_key_multibase[:12]}…"


class Credential(models.Model):
    """The signed Open Badges 3.0 credential of an award, exactly as issued. One per award:
    issuing twice (a retried task, two workers) finds this row instead of signing again."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="credential")
    public_id = models.UUIDField(unique=True)
    document = models.JSONField()
    salt = models.CharField(max_length=64, help_text="Salt of the hashed email in credentialSubject.identifier.")
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"credential {self.public_id}"
