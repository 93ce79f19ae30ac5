"""Awards: what an educator earned, either one micro-credential (from a pursuit) or a whole
stack (from the awards of its micro-credentials). Each award's signed Open Badges 3.0
credential is composed and signed by the ``award_issue`` task; the award row is the fact it
attests."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cairn.accounts.models import Organization
from cairn.catalog.models import MicroCredential, MicroCredentialVersion, Stack
from cairn.earning.models import Pursuit, Submission


class Award(models.Model):
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards")
    # A micro-credential award: the version earned, from one pursuit and its earning submission.
    micro_credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    version = models.ForeignKey(
        MicroCredentialVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    # One award per pursuit: awards are never issued twice.
    pursuit = models.OneToOneField(Pursuit, null=True, blank=True, on_delete=models.PROTECT, related_name="award")
    submission = models.OneToOneField(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="award")
    # A stack award: made when the educator holds a current award for every micro-credential
    # of the stack; ``components`` are those awards.
    stack = models.ForeignKey(Stack, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    components = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="stack_awards")
    awarded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        micro_credential__isnull=False,
                        version__isnull=False,
                        pursuit__isnull=False,
                        submission__isnull=False,
                        stack__isnull=True,
                    )
                    | Q(
                        micro_credential__isnull=True,
                        version__isnull=True,
                        pursuit__isnull=True,
                        submission__isnull=True,
                        stack__isnull=False,
                    )
                ),
                name="award_of_a_micro_credential_or_a_stack",
            ),
            # A stack is awarded once while its award stands (again only after a revocation).
            models.UniqueConstraint(
                fields=["educator", "stack"],
                condition=Q(stack__isnull=False, revoked_at__isnull=True),
                name="award_one_current_per_stack",
            ),
        ]

    def __str__(self) -> str:
        return f"award {self.pk}: {self.title} to {self.educator}"

    # What every page and document shows of an award, whichever kind it is.
    @property
    def title(self) -> str:
        return self.stack.title if self.stack else self.version.title  # type: ignore[union-attr]

    @property
    def description(self) -> str:
        return self.stack.description if self.stack else self.version.competency  # type: ignore[union-attr]

    @property
    def issuer(self) -> Organization:
        return self.stack.issuer if self.stack else self.micro_credential.issuer  # type: ignore[union-attr]

    @property
    def pd_hours(self) -> Decimal | None:
        """A stack's hours are those of its micro-credentials, already counted: none of its own."""
        return None if self.stack else self.version.pd_hours  # type: ignore[union-attr]

    @property
    def image_path(self) -> str:
        if self.stack:
            return reverse("catalog:stack_image", args=[self.stack.slug])
        return reverse("catalog:image", args=[self.micro_credential.slug, self.version.number])  # type: ignore[union-attr]

    def components_in_stack_order(self) -> list["Award"]:
        """A stack award's micro-credential awards, in the order the stack lists them."""
        if self.stack is None:
            return []
        by_mc = {c.micro_credential_id: c for c in self.components.select_related("version__micro_credential")}
        return [by_mc[i.micro_credential_id] for i in self.stack.items.all() if i.micro_credential_id in by_mc]

    @property
    def catalog_path(self) -> str:
        if self.stack:
            return reverse("catalog:stack", args=[self.stack.slug])
        mc_path = reverse("catalog:micro_credential", args=[self.micro_credential.slug])  # type: ignore[union-attr]
        return f"{mc_path}?version={self.version.number}"  # type: ignore[union-attr]


class IssuerKey(models.Model):
    """An Ed25519 signing key of an issuer, or (``issuer`` empty) of the Cairn instance itself,
    which signs transcripts that bundle several issuers' credentials. The private key is stored
    encrypted with the key-encryption key from settings; keys are never deleted, so credentials
    signed with an older key keep verifying after a rotation."""

    issuer = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="signing_keys"
    )
    public_key_multibase = models.CharField(max_length=100, unique=True)
    private_key_encrypted = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        owner = self.issuer.slug if self.issuer else "instance"
        return f"{owner} key {self.public_key_multibase[:12]}…"


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
