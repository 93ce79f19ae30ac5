from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cairn.accounts import selectors, services
from cairn.accounts.access import access_managed_organization
from cairn.accounts.forms import MembershipGrantForm
from cairn.core.errors import DomainError
from cairn.core.http import SignedInRequest


@login_required
def my_account(request: SignedInRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/me.html",
        {
            "memberships": selectors.user_memberships(user),
            "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
            "managed": selectors.organizations_managed_by(user),
        },
    )


@login_required
def organizations(request: SignedInRequest) -> HttpResponse:
    """The organizations this person administers (theirs and everything below them)."""
    managed = list(selectors.organizations_managed_by(request.user).order_by("name"))
    if not managed:
        raise Http404("You do not administer any organization.")
    return render(request, "accounts/organizations.html", {"managed": managed})


@login_required
def organization_people(request: SignedInRequest, slug: str) -> HttpResponse:
    org = access_managed_organization(request.user, slug)
    form = MembershipGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_grant_by_email(
                actor=request.user,
                organization=org,
                email=data["email"],
                role=data["role"],
                full_name=data["full_name"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display()} at {org.name}.")
            return redirect("accounts:organization_people", slug=org.slug)
    return render(
        request,
        "accounts/organization_people.html",
        {
            "org": org,
            "memberships": selectors.organization_memberships(org),
            "children": org.children.all(),
            "form": form,
        },
    )


@login_required
@require_POST
def membership_revoke(request: SignedInRequest, slug: str, membership_id: int) -> HttpResponse:
    org = access_managed_organization(request.user, slug)
    membership = get_object_or_404(org.memberships.select_related("user"), pk=membership_id)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, f"Removed {membership.user.email}'s {membership.get_role_display()} role.")
    return redirect("accounts:organization_people", slug=org.slug)
