from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cairn.accounts.models import Organization, OrganizationKind, Role, User
from cairn.accounts.services import membership_grant, organization_upsert, user_create
from cairn.catalog.interchange import CatalogImportError, import_catalog, load_file
from cairn.core.demo_earning import LOWCOUNTRY_PLAN, UPSTATE_PLAN, load_demo_earning, qualify_assessors

SEED_CATALOG = Path(settings.BASE_DIR) / "cairn" / "catalog" / "data" / "seed_catalog.json"
DEMO_PASSWORD = "cairn-demo-2026"

# Two demo districts under the South Carolina Department of Education (from the seed catalog),
# each with two schools. Districts are issuers too, so their authors can publish.
DISTRICTS = {
    "lowcountry": ("Lowcountry School District", ["Marsh Creek Elementary", "Harbor View Middle"]),
    "upstate": ("Upstate School District", ["Blue Ridge Elementary", "Foothills High"]),
}
STATE_SLUG = "sc-doe"


class Command(BaseCommand):
    help = "Load the demo catalog, organizations and one user per role per district. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_catalog(load_file(SEED_CATALOG))
        except CatalogImportError as exc:
            raise CommandError("The seed catalog does not import:\n" + "\n".join(map(str, exc.problems))) from exc
        self.stdout.write("Seed catalog: " + ", ".join(report.lines()))

        state = Organization.objects.get(slug=STATE_SLUG)
        logins: list[tuple[str, str]] = []
        admin = self._user("admin@cairn.test", "Cairn Administrator", superuser=True)
        logins.append(("superuser (Django admin too)", admin.email))
        for role, label in (
            (Role.PROGRAM_ADMIN, "state program administrator"),
            (Role.ISSUER_AUTHOR, "state issuer author"),
        ):
            user = self._user(f"{role.value.replace('_', '-')}@state.cairn.test", f"State {role.label}")
            membership_grant(actor=None, organization=state, user=user, role=role)
            logins.append((label, user.email))
        for key, (name, schools) in DISTRICTS.items():
            district, _ = organization_upsert(
                slug=f"demo-{key}", name=name, kind=OrganizationKind.DISTRICT, parent=state, state="SC", is_issuer=True
            )
            school_orgs = [
                organization_upsert(
                    slug=f"demo-{key}-{i}", name=school, kind=OrganizationKind.SCHOOL, parent=district, state="SC"
                )[0]
                for i, school in enumerate(schools, 1)
            ]
            for role in Role:
                user = self._user(f"{role.value.replace('_', '-')}@{key}.cairn.test", f"{name.split()[0]} {role.label}")
                # People who work in a school belong to it; district roles sit at the district.
                at_school = role in (Role.EDUCATOR, Role.COACH)
                membership_grant(
                    actor=None, organization=school_orgs[0] if at_school else district, user=user, role=role
                )
                logins.append((f"{role.label.lower()}, {name}", user.email))

        # Upstate's educator has work scored by Lowcountry's assessor (never someone from their own school).
        assessors = [User.objects.get(email=f"assessor@{key}.cairn.test") for key in DISTRICTS]
        qualify_assessors(assessors)
        activity = load_demo_earning(
            educator=User.objects.get(email="educator@upstate.cairn.test"), assessor=assessors[0], plan=UPSTATE_PLAN
        )
        activity += load_demo_earning(
            educator=User.objects.get(email="educator@lowcountry.cairn.test"),
            assessor=assessors[1],
            plan=LOWCOUNTRY_PLAN,
        )
        for line in activity:
            self.stdout.write("Demo activity: " + line)

        self.stdout.write(self.style.SUCCESS("\nDemo ready. Every demo account uses the password: " + DEMO_PASSWORD))
        width = max(len(label) for label, _ in logins)
        for label, email in logins:
            self.stdout.write(f"  {label.ljust(width)}  {email}")

    def _user(self, email: str, full_name: str, superuser: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, password=DEMO_PASSWORD, full_name=full_name, verified=True, superuser=superuser
            )
        return user
