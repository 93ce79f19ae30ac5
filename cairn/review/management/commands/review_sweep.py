"""Remind assessors whose claim on a submission ends soon.

Run it from cron every hour, for example::

    0 * * * *  cd /srv/cairn && .venv/bin/python manage.py review_sweep

Each claim gets at most one reminder, so running it more often (or twice) is harmless.
Expired claims need no sweep: the next assessor's claim takes the submission over."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.review.services import claims_remind_expiring


class Command(BaseCommand):
    help = "Remind assessors whose claims end soon (once per claim). Run it every hour from cron."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--within-hours",
            type=int,
            default=12,
            help="Remind about claims that end within this many hours (default 12).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = claims_remind_expiring(within=timedelta(hours=options["within_hours"]))
        self.stdout.write(f"Sent {sent} reminder{'' if sent == 1 else 's'} about claims ending soon.")
