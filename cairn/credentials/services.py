import logging

from cairn.credentials.models import Award

logger = logging.getLogger(__name__)


def award_issue_credential(*, award_id: int) -> None:
    """Compose and sign the Open Badges 3.0 credential for an award.

    Not built yet: signing arrives with the credentials work (did:web keys, eddsa-rdfc-2022).
    Until then the award exists and pages show “credential being issued”."""
    award = Award.objects.filter(pk=award_id).first()
    if award is None:
        logger.warning("award %s no longer exists", award_id)
