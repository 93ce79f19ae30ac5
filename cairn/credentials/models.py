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
    # Private until its holder shares it: then its page and JSON are open to anyone with the link.
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"credential {self.public_id}"


class StatusList(models.Model):
    """One revocation status list of an issuer; ``document`` is the signed
    BitstringStatusListCredential as served, re-signed whenever a bit changes."""

    issuer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="status_lists")
    number = models.PositiveIntegerField()
    length = models.PositiveIntegerField()
    document = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="status_list_number_unique")]

    def __str__(self) -> str:
        return f"{self.issuer.slug} status list {self.number}"


class StatusAllocation(models.Model):
    """A credential's position in a status list: chosen at random, never reused."""

    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="allocations")
    index = models.PositiveIntegerField()
    credential = models.OneToOneField(Credential, on_delete=models.PROTECT, related_name="status")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status_list", "index"], name="status_index_unique")]

    def __str__(self) -> str:
        return f"{self.status_list} #{self.index}"
