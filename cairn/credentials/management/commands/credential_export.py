import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.accounts.models import Organization
from cairn.credentials.issuing import public_url
from cairn.credentials.keys import did_document, instance_did_document
from cairn.credentials.models import Credential, StatusList


class Command(BaseCommand):
    help = (
        "Write every issued credential as DIR/<id>.json, the issuers' and the instance's DID documents under DIR/did/ "
        "and their status lists under DIR/status/, so credentials can be verified or archived elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        (out / "did").mkdir(parents=True, exist_ok=True)
        (out / "status").mkdir(exist_ok=True)
        count = 0
        for credential in Credential.objects.iterator():
            (out / f"{credential.public_id}.json").write_text(json.dumps(credential.document, indent=2))
            count += 1
        issuers = Organization.objects.filter(signing_keys__isnull=False).distinct()
        for issuer in issuers:
            (out / "did" / f"{issuer.slug}.json").write_text(json.dumps(did_document(issuer), indent=2))
        # The instance's own DID document (the signer of transcripts), as /.well-known/did.json serves it.
        instance = instance_did_document(public_url("/"))
        (out / "did" / "instance.json").write_text(json.dumps(instance, indent=2))
        for status_list in StatusList.objects.select_related("issuer"):
            name = f"{status_list.issuer.slug}-{status_list.number}.json"
            (out / "status" / name).write_text(json.dumps(status_list.document, indent=2))
        self.stdout.write(f"Wrote {count} credential(s) and {issuers.count() + 1} DID document(s) to {out}.")
