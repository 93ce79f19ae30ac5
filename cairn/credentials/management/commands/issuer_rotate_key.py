from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cairn.accounts.models import Organization
from cairn.credentials.keys import issuer_key_create, method_id


class Command(BaseCommand):
    help = "Add a new signing key for an issuer. Older keys stay in its DID document, so credentials keep verifying."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, slug: str, **options: Any) -> None:
        issuer = Organization.objects.filter(slug=slug, is_issuer=True).first()
        if issuer is None:
            raise CommandError(f"No issuer with the key “{slug}”.")
        key = issuer_key_create(actor=None, issuer=issuer)
        self.stdout.write(f"New signing key for {issuer.name}: {method_id(issuer, key)}")
