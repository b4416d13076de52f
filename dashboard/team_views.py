"""The team pages: members, invitations, and the team's settings with their history.

Every clinician of the team sees the page; only its admins change anything (a flag on the
membership, recovery.teams). A team the clinician is not on is a 404, like another team's
patient. The writes are recovery.teams' services; these views only check forms and render.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mfa
from accounts.views import mfa_step
from lib.exceptions import DomainError
from lib.middleware import client_ip
from lib.throttling import (
    login_device,
    login_failure_record,
    login_success_record,
    login_wait_seconds,
)
from recovery import selectors as recovery_selectors
from recovery import teams
from recovery.models import TeamInvitation, TeamMembership

from .team_forms import InvitationAcceptForm, InviteForm, TeamDetailsForm, TeamSettingsForm
from .views import clinician_required, page


def _membership(request, pk: int) -> TeamMembership:
    membership = recovery_selectors.team_membership_get(request.user, team_id=pk)
    if membership is None:
        raise Http404("No such team.")
    return membership


def _team_page(request, membership, *, details=None, settings_form=None, invite=None, status=200):
    team = membership.careteam
    return page(
        request,
        "dashboard/team.html",
        {
            "team": team,
            "membership": membership,
            "is_admin": membership.is_admin,
            "members": list(
                TeamMembership.objects.filter(careteam=team)
                .select_related("user")
                .order_by("user__last_name", "user__first_name", "user__email")
            ),
            "invitations": list(
                TeamInvitation.objects.filter(team=team, accepted_at=None, revoked_at=None)
                .select_related("invited_by")
                .order_by("-created_at")[:50]
            ),
            "details_form": details or TeamDetailsForm(instance=team),
            "settings_form": settings_form or TeamSettingsForm(team=team),
            "invite_form": invite or InviteForm(),
            "now": timezone.now(),
            "versions": list(
                team.settings_versions.select_related("changed_by").order_by("-changed_at", "-id")[
                    :100
                ]
            ),
        },
        nav="team",
        status=status,
    )


@require_http_methods(["GET"])
@clinician_required
def team_index(request):
    """The clinician's teams; with one team, straight to it."""
    memberships = list(
        TeamMembership.objects.filter(user=request.user)
        .select_related("careteam")
        .order_by("careteam__name")
    )
    if len(memberships) == 1:
        return redirect("dashboard:team", memberships[0].careteam_id)
    return page(request, "dashboard/team_index.html", {"memberships": memberships}, nav="team")


@require_http_methods(["GET"])
@clinician_required
def team_detail(request, pk: int):
    return _team_page(request, _membership(request, pk))


def _refused(request, pk, exc: DomainError):
    messages.error(request, str(exc.detail if hasattr(exc, "detail") else exc))
    return redirect("dashboard:team", pk)


@require_POST
@clinician_required
def team_settings(request, pk: int):
    membership = _membership(request, pk)
    if not membership.is_admin:
        return _refused(request, pk, teams.NotTeamAdmin())
    team = membership.careteam
    details = TeamDetailsForm(request.POST, instance=team)
    settings_form = TeamSettingsForm(request.POST, team=team)
    details_ok = details.is_valid()  # both forms, so every error shows at once
    if not (settings_form.is_valid() and details_ok):
        # The team instance may hold the bad values now: render from a fresh copy.
        team.refresh_from_db()
        return _team_page(
            request, membership, details=details, settings_form=settings_form, status=400
        )
    version = teams.team_settings_update(
        team=team,
        by=request.user,
        fields={name: details.cleaned_data[name] for name in teams.TEAM_FIELDS},
        rule_settings=settings_form.overrides,
    )
    messages.success(request, "Team settings saved." if version else "Nothing changed.")
    return redirect("dashboard:team", pk)


@require_POST
@clinician_required
def team_invite(request, pk: int):
    membership = _membership(request, pk)
    if not membership.is_admin:
        return _refused(request, pk, teams.NotTeamAdmin())
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _team_page(request, membership, invite=form, status=400)
    email = form.cleaned_data["email"]
    teams.team_invite(team=membership.careteam, by=request.user, email=email)
    # The same words whoever the address belongs to.
    days = settings.TEAM_INVITATION_DAYS
    messages.success(request, f"Invitation sent to {email}. The link works for {days} days.")
    return redirect("dashboard:team", pk)


@require_POST
@clinician_required
def team_member_remove(request, pk: int, user_id: int):
    membership = _membership(request, pk)
    member = TeamMembership.objects.filter(careteam_id=pk, user_id=user_id).select_related("user")
    member = member.first()
    if member is None:
        raise Http404("No such member.")
    try:
        teams.team_member_remove(team=membership.careteam, by=request.user, user=member.user)
    except DomainError as exc:
        return _refused(request, pk, exc)
    messages.success(request, f"{member.user.email} is no longer on the team.")
    if member.user_id == request.user.pk:
        return redirect("dashboard:login")
    return redirect("dashboard:team", pk)


@require_POST
@clinician_required
def team_member_admin(request, pk: int, user_id: int):
    membership = _membership(request, pk)
    member = TeamMembership.objects.filter(careteam_id=pk, user_id=user_id).select_related("user")
    member = member.first()
    if member is None:
        raise Http404("No such member.")
    make_admin = request.POST.get("is_admin") == "1"
    try:
        teams.team_admin_set(
            team=membership.careteam, by=request.user, user=member.user, is_admin=make_admin
        )
    except DomainError as exc:
        return _refused(request, pk, exc)
    state = "an admin" if make_admin else "no longer an admin"
    messages.success(request, f"{member.user.email} is {state}.")
    return redirect("dashboard:team", pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The link of an invitation email: set a password and join (or join with the account
    the address has). Open to anyone holding the link; the token is the proof."""
    invitation = teams.invitation_get(token)
    if invitation is None:
        return render(request, "dashboard/invitation.html", {"invalid": True}, status=404)
    account = teams.invitation_account(invitation)
    if account is not None and not account.is_clinician:
        # Only the address's owner reads this page: the inviting clinician never learns it.
        return render(request, "dashboard/invitation.html", {"refused": True}, status=400)
    existing = account is not None
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, existing=existing
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # Slowed down like a login: for an existing account the password is a guess.
            email, ip = invitation.email, client_ip(request)
            device = login_device(request, email=email)
            wait = login_wait_seconds(email=email, ip=ip, device=device)
            if wait:
                form.add_error(
                    None, f"Too many failed sign-ins. Please try again in {wait} seconds."
                )
                return _invitation_page(request, invitation, form, existing, status=429)
            try:
                with transaction.atomic():
                    user = teams.invitation_accept(token=token, **form.cleaned_data)
            except DjangoValidationError as exc:
                form.add_error("password", exc.messages)
            except DomainError as exc:
                login_failure_record(email=email, ip=ip, device=device)
                form.add_error("password", str(exc.detail))
            else:
                login_success_record(email=email, device=device)
                return _signed_in_after_accepting(request, user, invitation)
        status = 400
    return _invitation_page(request, invitation, form, existing, status=status)


def _signed_in_after_accepting(request, user, invitation):
    """Into the team's page; an account with a second factor gives its code first."""
    next_url = reverse("dashboard:team", args=[invitation.team_id])
    messages.success(request, f"Welcome to {invitation.team.name}.")
    if mfa.mfa_enabled(user):
        return mfa_step(request, user=user, next_url=next_url)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(next_url)


def _invitation_page(request, invitation, form, existing: bool, *, status: int):
    return render(
        request,
        "dashboard/invitation.html",
        {"invitation": invitation, "form": form, "existing": existing},
        status=status,
    )
