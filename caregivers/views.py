"""The invitation's accept page and a caregiver's unsubscribe link (server-rendered).

The accept page: GET shows the invitation and what to do; only its POST writes. A used,
expired, revoked or unknown link shows a page saying so and changes nothing.
"""

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.models import User
from reminders.views import unsubscribe_view

from . import copies, services
from .forms import CaregiverPhoneForm, CaregiverSignInForm, NewCaregiverForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _state(request, link) -> str:
    """What the page offers: a new account, signing in, linking the signed-in account, or
    the one-role rule (patients' and care teams' accounts cannot be caregivers)."""
    user = request.user
    if user.is_authenticated:
        return "link" if user.is_caregiver else "signed-in-other-role"
    holder = User.objects.filter(email=link.email).first()
    if holder is None:
        return "new"
    return "sign-in" if holder.is_caregiver else "other-role"


def _page(request, template: str, context: dict, *, status: int = 200):
    """In the patient app's look (its base template and style)."""
    from patientapp.views.base import page  # the app's pages import the caregivers' models

    return page(request, template, context, status=status)


def _unusable(request, reason: str):
    status = 404 if reason == "unknown" else 410
    with translation.override(_visitor_language(request)):
        return _page(
            request, "caregivers/pages/accept-unusable.html", {"reason": reason}, status=status
        )


def _visitor_language(request) -> str:
    from patientapp.views.base import visitor_language

    return visitor_language(request)


def _accepted(request, link, user):
    """Signed in, on the app's home page, acting for the patient just accepted."""
    from patientapp.views.base import ACTING_FOR

    if request.user != user:
        login(request, user, backend=BACKEND)
    request.session[ACTING_FOR] = link.patient_id
    # One more question, on its own screen: a phone for the care team to call.
    return redirect("caregiver-phone")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    """The page follows the patient's language, as all of the app's pages (API.md)."""
    link = services.invitation_peek(token)
    with translation.override(link.patient.language if link else _visitor_language(request)):
        response = _accept_invitation(request, token)
        response.headers.setdefault("Content-Language", translation.get_language())
    return response


def _accept_invitation(request, token: str):
    try:
        link = services.invitation_get(token)
    except services.InvitationUnusable as exc:
        return _unusable(request, exc.reason)
    state = _state(request, link)
    context = {"link": link, "state": state, "problem": ""}
    posted = request.method == "POST"
    new_form = NewCaregiverForm(request.POST if posted and state == "new" else None)
    sign_in = CaregiverSignInForm(
        request,
        data={"username": link.email, "password": request.POST.get("password", "")}
        if posted and state == "sign-in"
        else None,
        initial={"username": link.email},
    )
    context.update(new_form=new_form, sign_in_form=sign_in)
    if not posted:
        return _page(request, "caregivers/pages/accept.html", context)
    try:
        if state == "new" and new_form.is_valid():
            try:
                _link, user = services.invitation_accept_new(
                    token=token, password=new_form.cleaned_data["password"]
                )
            except ValidationError as exc:  # the password validators
                new_form.add_error("password", exc)
            else:
                return _accepted(request, link, user)
        elif state == "sign-in" and sign_in.is_valid():
            user = sign_in.get_user()
            services.invitation_accept_existing(token=token, user=user)
            return _accepted(request, link, user)
        elif state == "link":
            services.invitation_accept_existing(token=token, user=request.user)
            return _accepted(request, link, request.user)
    except services.InvitationUnusable as exc:  # used by a request that got there first
        return _unusable(request, exc.reason)
    except (services.WrongAccountRole, services.AccountExists, services.AlreadyLinked) as exc:
        context["problem"] = _(str(exc.detail))
    # A form with a mistake, or a POST the page did not offer: say so, store nothing.
    return _page(request, "caregivers/pages/accept.html", context, status=400)


def phone(request):
    """The caregiver's phone and yes to texts: asked right after accepting, and from their
    settings. Saved on every active link of theirs."""
    from patientapp.views.base import patient_required

    return require_http_methods(["GET", "POST"])(patient_required(_phone))(request)


def _phone(request):
    if not request.is_caregiver:
        return redirect("app:settings")
    link = services.CareLink.objects.filter(
        caregiver=request.user, status=services.CareLink.Status.ACTIVE
    ).first()
    initial = {"phone": link.phone, "texts": bool(link.sms_consent_at)} if link else {}
    form = CaregiverPhoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.caregiver_phone_set(user=request.user, **form.cleaned_data)
        return redirect("app:home")
    return _page(
        request,
        "caregivers/pages/phone.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# The signed link in a caregiver's reminder copy: the same page as the patient's own.
unsubscribe = unsubscribe_view(
    parse=copies.unsubscribe_parse,
    invalid=copies.BadUnsubscribeLink,
    opt_out=lambda link, kind: services.caregiver_opt_out(link=link, kind=kind),
    template="caregivers/pages/unsubscribe.html",
    extra=lambda link: {"patient_first_name": link.patient.first_name},
)
