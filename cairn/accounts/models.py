from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Identified by email, but not tied to one: allauth's EmailAddress rows hold
    every address they have verified, so the account (and later their credentials) follows
    a teacher from one district to the next."""

    email = models.EmailField(unique=True, help_text="Primary address, used to sign in.")
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open Django admin (superusers only).")
    date_joined = models.DateTimeField(default=timezone.now)
    # A decentralized identifier the person controls (their wallet's did:key or a did:web):
    # credentials issued afterwards name it as their subject, so a wallet can prove holding them.
    did = models.CharField(max_length=500, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class OrganizationKind(models.TextChoices):
    STATE_AGENCY = "state_agency", "State agency"
    DISTRICT = "district", "District"
    SCHOOL = "school", "School"
    NONPROFIT = "nonprofit", "Independent nonprofit"
    NETWORK = "network", "Education network"


class Organization(models.Model):
    """A node of the state → district → school tree. Organizations that publish
    micro-credentials (a state DOE, a district, CCE, an education-leaders network) are
    marked ``is_issuer``; their slug becomes part of their did:web identity, so it never changes."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    state = models.CharField(max_length=2, blank=True, help_text="US state code, e.g. SC.")
    is_issuer = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Organization"]:
        """Parents from the nearest up to the root (the tree is a few levels deep)."""
        chain: list[Organization] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Role(models.TextChoices):
    EDUCATOR = "educator", "Educator"
    COACH = "coach", "Coach"
    ASSESSOR = "assessor", "Assessor"
    APPROVER = "approver", "Approver"
    DISTRICT_COORDINATOR = "district_coordinator", "District coordinator"
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    ISSUER_AUTHOR = "issuer_author", "Issuer author"


class Membership(models.Model):
    """A person holds a role in an organization. One person may hold several roles in
    several organizations (a teacher in one district who assesses for another)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"
