import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from cairn.accounts.access import managed_organization_ids
from cairn.accounts.models import Membership, Role, User
from cairn.accounts.services import membership_grant, membership_grant_by_email, user_create
from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent
from conftest import PASSWORD


def test_people_sign_in_with_an_email_and_no_username(client, educator):
    response = client.post(reverse("account_login"), {"login": "educator@a.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:me")).context["user"] == educator


def test_passwords_are_hashed_with_argon2(educator):
    assert educator.password.startswith("argon2")


def test_an_educator_can_hold_several_addresses_and_sign_in_with_any_verified_one(client, educator):
    EmailAddress.objects.create(user=educator, email="teacher@new-district.test", verified=True)
    response = client.post(reverse("account_login"), {"login": "teacher@new-district.test", "password": PASSWORD})
    assert response.status_code == 302
    body = client.get(reverse("accounts:me")).content.decode()
    assert "teacher@new-district.test" in body and "educator@a.test" in body


def test_an_address_already_in_use_cannot_start_a_second_account(educator):
    with pytest.raises(DomainError, match="already uses"):
        user_create(email="Educator@A.test", password=PASSWORD)


def test_one_person_may_hold_several_roles_in_several_organizations(educator, district_b):
    membership_grant(actor=None, organization=district_b, user=educator, role=Role.ASSESSOR)
    roles = set(Membership.objects.filter(user=educator).values_list("organization__slug", "role"))
    assert roles == {("school-a", "educator"), ("district-b", "assessor")}


def test_a_coordinator_administers_their_district_and_its_schools_only(coordinator_a, district_a, school_a, district_b):
    managed = managed_organization_ids(coordinator_a)
    assert {district_a.id, school_a.id} <= managed
    assert district_b.id not in managed


def test_a_coordinator_sees_their_districts_people(client, coordinator_a, educator):
    client.force_login(coordinator_a)
    body = client.get(reverse("accounts:organization_people", args=["school-a"])).content.decode()
    assert "educator@a.test" in body


def test_a_coordinator_of_district_b_sees_nothing_of_district_a(client, coordinator_b, educator):
    client.force_login(coordinator_b)
    for slug in ("district-a", "school-a"):
        assert client.get(reverse("accounts:organization_people", args=[slug])).status_code == 404
    membership = Membership.objects.get(user=educator)
    url = reverse("accounts:membership_revoke", args=["school-a", membership.id])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("slug", ["district-a", "school-a", "state"])
def test_an_outsider_gets_404_on_organization_pages(client, outsider, school_a, slug):
    client.force_login(outsider)
    assert client.get(reverse("accounts:organization_people", args=[slug])).status_code == 404


def test_a_coordinator_grants_a_role_to_a_new_person_by_email_and_it_is_audited(client, coordinator_a, district_a):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("accounts:organization_people", args=["district-a"]),
        {"email": "New.Assessor@a.test", "full_name": "New Assessor", "role": "assessor"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.assessor@a.test")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organization=district_a, role="assessor").exists()
    event = AuditEvent.objects.get(action="membership_grant", actor=coordinator_a)
    assert event.details == {"user": "new.assessor@a.test", "organization": "district-a"}


def test_granting_by_a_secondary_address_finds_the_existing_person(coordinator_a, district_a, educator):
    EmailAddress.objects.create(user=educator, email="second@a.test", verified=True)
    membership = membership_grant_by_email(
        actor=coordinator_a, organization=district_a, email="second@a.test", role=Role.COACH
    )
    assert membership.user == educator


def test_a_coordinator_cannot_grant_roles_outside_their_tree(coordinator_b, district_a, educator):
    with pytest.raises(DomainError):
        membership_grant(actor=coordinator_b, organization=district_a, user=educator, role=Role.ASSESSOR)


def test_revoking_a_role_is_audited(client, coordinator_a, educator):
    client.force_login(coordinator_a)
    membership = Membership.objects.get(user=educator)
    client.post(reverse("accounts:membership_revoke", args=["school-a", membership.id]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership_revoke", old_state="educator").exists()


def test_django_admin_is_for_superusers_only(client, coordinator_a):
    coordinator_a.is_staff = True
    coordinator_a.save()
    client.force_login(coordinator_a)
    assert client.get("/admin/").status_code == 302
    admin = user_create(email="root@cairn.test", password=PASSWORD, superuser=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_my_account_requires_sign_in(client):
    assert client.get(reverse("accounts:me")).status_code == 302


def test_signing_up_needs_a_verified_email_before_the_first_sign_in(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.teacher@school.test", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"},
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "new.teacher@school.test" in mailoutbox[0].to
    assert not EmailAddress.objects.get(email="new.teacher@school.test").verified
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.teacher@school.test", "password": "a-long-passphrase-9"}
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_can_be_reset_by_email(client, educator, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "educator@a.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "password" in mailoutbox[0].subject.lower()


def test_a_coordinator_lists_the_organizations_they_administer(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    body = client.get(reverse("accounts:organizations")).content.decode()
    assert "District A" in body and "School A" in body and "District B" not in body


def test_an_outsider_gets_404_on_the_organizations_list(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("accounts:organizations")).status_code == 404
