from django_tasks import task

from cairn.credentials.services import award_issue_credential, stack_awards_grant


@task()
def award_issue(*, award_id: int) -> None:
    """Sign the award's credential, then award any stack it completes (each safe to run twice)."""
    award_issue_credential(award_id=award_id)
    stack_awards_grant(award_id=award_id)
