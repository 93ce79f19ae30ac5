from django_tasks import task

from cairn.credentials.services import award_issue_credential


@task()
def award_issue(*, award_id: int) -> None:
    award_issue_credential(award_id=award_id)
