"""The patient app: server-rendered pages for patients, behind a session login.

Every page reads through patientapp.selectors (scoped to the signed-in patient) and every
write goes through the services the API uses (recovery.services.checkin_record,
enrollment_activate, patient_update), so no clinical rule or scope check is written twice.
Pages with health data are `Cache-Control: no-store`; only the offline shell may be cached.
"""

from __future__ import annotations

import json
import uuid
from functools import wraps
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.api import describe
from audit.selectors import access_log_for
from lib.exceptions import Conflict
from lib.throttling import PostThrottle
from recovery import charts
from recovery import selectors as recovery_selectors
from recovery import services as recovery_services
from recovery.api.serializers import CheckInInputSerializer, CheckInResultSerializer
from recovery.choices import SEVERITY_RANK
from recovery.services import CheckinResult
from reminders import selectors as reminder_selectors
from reminders import services as reminder_services
from reminders.plan import ITEMS, Kind, format_day, text_for

from . import selectors, services
from .forms import (
    CHECKIN_ERRORS,
    ActivateForm,
    PasswordChangeForm,
    PatientLoginForm,
    SettingsForm,
    checkin_field_error,
    parse_temperature,
)
from .wording import BONE_MEDICINE_ANSWERS, REMINDER_STATUS, SYMPTOM_NAMES, SYMPTOM_QUESTIONS

BACKEND = "django.contrib.auth.backends.ModelBackend"
HISTORY_PAGE_SIZE = 30


# --- Plumbing ------------------------------------------------------------------------------


def visitor_language(request) -> str:
    """Signed out: ?lang= (the enrollment email's link, the language switch), else the
    browser's."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language_from_request(request)


def _language_of(request) -> str:
    patient = getattr(request, "patient", None)
    if patient is not None:
        return patient.language
    return visitor_language(request)


def app_view(view):
    """The page in the patient's language (or the browser's, signed out), never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(_language_of(request)):
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
        add_never_cache_headers(response)
        return response

    return wrapper


ACTING_FOR = "acting_patient_id"


def _forbidden(request, reason: str = "clinician"):
    with translation.override(_language_of(request)):
        response = page(request, "patientapp/forbidden.html", {"reason": reason}, status=403)
    add_never_cache_headers(response)
    return response


def patient_required(view):
    """Signed out: to /app/login/. A caregiver acts for the patient chosen in the session (or
    their only one; with several and none chosen, to the "who for?" page). Signed in but
    neither: a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("app:login"))
        request.patient = selectors.acting_patient(request.user, request.session.get(ACTING_FOR))
        request.is_caregiver = request.user.is_caregiver
        if request.patient is None and request.is_caregiver:
            request.session.pop(ACTING_FOR, None)
            if len(selectors.cared_patients(request.user)) > 1:
                return redirect_to_login(
                    request.get_full_path(),
                    login_url=reverse("app:choose"),
                    redirect_field_name="next",
                )
            return _forbidden(request, "no-patients")
        if request.patient is None:
            return _forbidden(request)
        return app_view(view)(request, *args, **kwargs)

    return wrapper


def patient_only(view):
    """Pages a caregiver never sees (the access log): a 403 page for them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.is_caregiver:
            return _forbidden(request, "patient-only")
        return view(request, *args, **kwargs)

    return wrapper


def chrome_context(request) -> dict:
    """What the app's base template needs around any page (also the accounts' /app/
    password-reset pages, accounts/views.py): whose pages, the team's numbers."""
    patient = getattr(request, "patient", None)
    team = patient.team if patient else None
    caregiver = patient is not None and getattr(request, "is_caregiver", False)
    return {
        "patient": patient,
        # A caregiver sees whose record it is on every page, and may switch.
        "caregiver": caregiver,
        "can_switch": caregiver and request.session.get(ACTING_FOR) is not None,
        "team": team,
        "emergency_number": team.emergency_number if team else settings.DEFAULT_EMERGENCY_NUMBER,
        "emergency_symptoms": emergency_symptoms_text(),
    }


def page(request, template: str, context: dict | None = None, *, nav: str = "", status=200):
    return render(
        request,
        template,
        {**(context or {}), "nav": nav, **chrome_context(request)},
        status=status,
    )


def emergency_symptoms_text() -> str:
    """ "Chest pain, trouble breathing or bladder or bowel change", from the rules table's
    emergency rules: shown on every page and on the offline waiting screen."""
    emergency = set(selectors.emergency_symptoms())
    names = [str(SYMPTOM_NAMES[code]) for code in SYMPTOM_QUESTIONS if code in emergency]
    names = names[:1] + [name[:1].lower() + name[1:] for name in names[1:]]
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def csrf_failure(request, reason=""):
    """A form sent without its security token (an old page, or not from us): say so plainly.
    Outside the patient app, Django's own page as before."""
    if not request.path.startswith("/app/"):
        return django_csrf_failure(request, reason=reason)
    if request.path.startswith("/app/api/"):
        return JsonResponse({"detail": "CSRF check failed; reload the page."}, status=403)
    with translation.override(visitor_language(request)):
        response = render(request, "patientapp/csrf_failure.html", status=403)
    add_never_cache_headers(response)
    return response


def throttled(request, scope: str):
    """The API's limits (THROTTLE_RATES) on the app's own forms: a 429 page, or None."""
    throttle = PostThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    wait = max(int(throttle.wait() or 1), 1)
    response = page(request, "patientapp/throttled.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- Signing in ----------------------------------------------------------------------------


def _after_login(request, user, *, via_link: bool = False):
    login(request, user, backend=BACKEND)
    request.session["via_link"] = via_link


@app_view
@require_http_methods(["GET", "POST"])
def login_view(request):
    signed_in = request.user.is_authenticated and (
        request.user.is_patient or request.user.is_caregiver
    )
    if signed_in and request.method == "GET":
        return redirect("app:home")
    form = PatientLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        _after_login(request, form.get_user())
        target = request.POST.get("next", "")
        return redirect(target if target.startswith("/app/") else reverse("app:home"))
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "patientapp/login.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("app:login")


@app_view
@require_http_methods(["GET", "POST"])
def activate(request):
    if request.method == "POST" and (refused := throttled(request, "activate")):
        return refused
    form = ActivateForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = recovery_services.enrollment_activate(
                code=form.cleaned_data["code"].strip(), password=form.cleaned_data["password"]
            )
        except recovery_services.InvalidEnrollmentCode:
            form.add_error(
                "code",
                _(
                    "This code is not right, was used already or has run out. Check it, or ask "
                    "your care team for a new one."
                ),
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            _after_login(request, user)
            return redirect("app:checkin")
    status = 400 if request.method == "POST" else 200
    return page(request, "patientapp/activate.html", {"form": form}, status=status)


@app_view
@require_http_methods(["GET", "POST"])
def signin_link(request, token: str):
    """GET shows who the link is for and signs nobody in (mail scanners open links)."""
    if request.method == "POST" and (refused := throttled(request, "activate")):
        return refused
    link = services.signin_link_peek(token=token)
    if request.method == "POST" and link is not None:
        link = services.signin_link_use(token=token)
        if link is not None:
            if request.user.is_authenticated and request.user != link.signs_in:
                logout(request)
            _after_login(request, link.signs_in, via_link=True)
            if link.user_id:
                request.session[ACTING_FOR] = link.patient_id
            return redirect("app:checkin")
    if link is None:
        return page(request, "patientapp/link_invalid.html", {"form": PatientLoginForm(request)})
    with translation.override(link.patient.language):
        return page(
            request,
            "patientapp/link.html",
            {"link_patient": link.patient, "link_user": link.user if link.user_id else None},
        )


# --- Home, history, plan, access log -------------------------------------------------------


@require_GET
@patient_required
def home(request):
    home = selectors.home_get(request.patient)
    return page(
        request,
        "patientapp/home.html",
        {
            "home": home,
            "today": format_day(home.today),
            "restriction_until": format_day(home.restriction_until)
            if home.restriction_until
            else None,
            "next_reminders": [
                {
                    "title": _(ITEMS[r.kind].title),
                    "day": format_day(r.due_at.astimezone(request.patient.tz).date()),
                }
                for r in home.next_reminders
            ],
        },
        nav="home",
    )


def _symptom_names(codes) -> list[str]:
    return [str(SYMPTOM_NAMES.get(code, code)) for code in codes]


@require_GET
@patient_required
def history(request):
    patient = request.patient
    checkins = list(selectors.own_checkins(request.user, patient).order_by("recorded_at"))
    procedures = list(selectors.own_procedures(request.user, patient))
    chart = charts.pain_chart(
        checkins=checkins, procedures=procedures, tz=patient.tz, now=timezone.now()
    )
    chart.title = _("Your pain scores and the usual course of recovery")
    # The markers in the patient's words (the chart draws them in procedure order).
    ordered = sorted(procedures, key=lambda p: (p.performed_on, p.pk))
    chart.markers = [
        charts.Marker(
            marker.x, _("Procedure %(day)s") % {"day": date_format(p.performed_on, "j M")}
        )
        for marker, p in zip(chart.markers, ordered, strict=True)
    ]
    chart.description = (
        _(
            "%(count)s pain scores. The dashed line shows the usual course: pain eases within two "
            "days, then stays low. Every score is also in the list below."
        )
        % {"count": len(checkins)}
        if checkins
        else _("No check-ins yet.")
    )
    rows = Paginator(list(reversed(checkins)), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "when": checkin.recorded_at.astimezone(patient.tz),
            "pain": checkin.pain_score,
            "temperature_c": checkin.temperature_c,
            "symptoms": _symptom_names(checkin.symptoms),
            "notes": checkin.notes,
        }
        for checkin in rows
    ]
    return page(
        request,
        "patientapp/history.html",
        {"chart": chart, "entries": entries, "rows": rows},
        nav="history",
    )


@require_GET
@patient_required
def plan(request):
    patient = request.patient
    procedure, reminders = reminder_selectors.plan_get(patient)
    feed = reminder_services.calendar_feed_get_or_create(patient=patient)
    items = []
    for reminder in reminders:
        if reminder.status == "cancelled":
            continue
        day = reminder.due_at.astimezone(patient.tz).date()
        items.append(
            {
                "day": format_day(day),
                "title": _(ITEMS[reminder.kind].title),
                "text": text_for(reminder.kind, until=procedure.lifting_restriction_until, due=day),
                "status": REMINDER_STATUS.get(reminder.status, reminder.status),
                "past": reminder.status != "scheduled",
            }
        )
    return page(
        request,
        "patientapp/plan.html",
        {
            "procedure": procedure,
            "performed_on": format_day(procedure.performed_on) if procedure else None,
            "restriction_until": format_day(procedure.lifting_restriction_until)
            if procedure
            else None,
            "items": items,
            "calendar_url": reminder_services.calendar_url(feed=feed),
        },
        nav="plan",
    )


@require_GET
@patient_required
@patient_only
def access_log(request):
    records = Paginator(access_log_for(request.user), 50).get_page(request.GET.get("page"))
    entries = [
        {
            "who": record.actor.get_full_name() or _("A member of your care team"),
            "what": _(describe(action=record.action, kind=record.kind)),
            "at": record.at.astimezone(request.patient.tz),
        }
        for record in records
    ]
    return page(
        request, "patientapp/access_log.html", {"entries": entries, "records": records}, nav="more"
    )


# --- Settings ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_required
def settings_view(request):
    if request.is_caregiver:
        return _caregiver_settings(request)
    patient = request.patient
    wanted = reminder_services.reminder_kinds_wanted(patient=patient)
    initial = {
        "reminder_hour": patient.reminder_hour,
        "timezone": patient.timezone,
        "language": patient.language,
        "reminders": sorted(wanted),
    }
    form = SettingsForm(initial=initial)
    password_form = PasswordChangeForm(user=request.user)
    saved = request.GET.get("saved")
    status = 200
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(request.POST, user=request.user)
        if password_form.is_valid():
            request.user.set_password(password_form.cleaned_data["new_password"])
            request.user.save(update_fields=["password"])
            update_session_auth_hash(request, request.user)
            return redirect(reverse("app:settings") + "?saved=password")
        status = 400
    elif request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            kinds = set(data.pop("reminders"))
            services.patient_preferences_update(patient=patient, data=data, wanted_kinds=kinds)
            return redirect(reverse("app:settings") + "?saved=settings")
        status = 400
    stopped_all = not wanted
    return page(
        request,
        "patientapp/settings.html",
        {
            "form": form,
            "password_form": password_form,
            "saved": saved,
            "stopped_all": stopped_all,
            "reminder_choices": [
                (kind, _(label), kind in set(form["reminders"].value() or []))
                for kind, label in Kind.choices
            ],
        },
        nav="more",
        status=status,
    )


def _caregiver_settings(request):
    """A caregiver's own things only: their password. The patient's reminders, email and
    password are the patient's; the pages follow the patient's language (API.md)."""
    password_form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and password_form.is_valid():
        request.user.set_password(password_form.cleaned_data["new_password"])
        request.user.save(update_fields=["password"])
        update_session_auth_hash(request, request.user)
        return redirect(reverse("app:settings") + "?saved=password")
    return page(
        request,
        "patientapp/caregiver_settings.html",
        {"password_form": password_form, "saved": request.GET.get("saved")},
        nav="more",
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def choose(request):
    """ "Who are you checking in for?": a caregiver of several patients chooses one, kept in
    the session. Anyone else (or a caregiver of one) goes on to the home page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("app:login"))
    patients = selectors.cared_patients(request.user)
    if len(patients) < 2:
        return redirect("app:home")
    target = request.POST.get("next", request.GET.get("next", ""))
    target = target if target.startswith("/app/") and not target.startswith("//") else ""
    error = ""
    if request.method == "POST":
        chosen = [p for p in patients if str(p.pk) == request.POST.get("patient", "")]
        if chosen:
            if request.session.get(ACTING_FOR) != chosen[0].pk:
                request.session.pop(DRAFT, None)  # a half-done check-in was for someone else
            request.session[ACTING_FOR] = chosen[0].pk
            return redirect(target or reverse("app:home"))
        error = _("Choose the person you are checking in for.")
    request.patient = None
    with translation.override(patients[0].language):
        response = page(
            request,
            "patientapp/choose.html",
            {"patients": patients, "next": target, "error": error, "signed_in": True},
            status=400 if request.method == "POST" else 200,
        )
    add_never_cache_headers(response)
    return response


# --- The check-in, one question per screen -------------------------------------------------

DRAFT = "checkin_draft"


def checkin_steps(draft: dict | None = None) -> list[str]:
    """The questions in order. The bone-medicine one only when a reminder about it fell due
    since the last answer (PROTOCOL.md section 6), decided once per check-in in the draft."""
    bone = ["bone_medicine"] if draft and draft.get("ask_bone_medicine") else []
    return ["pain", "temperature", *symptoms_in_question_order(), *bone, "note", "review"]


def symptoms_in_question_order() -> list[str]:
    """The questions in wording order, those whose rules are emergencies first."""
    return selectors.symptoms_in_question_order(order=list(SYMPTOM_QUESTIONS))


def _draft(request) -> dict:
    draft = request.session.get(DRAFT)
    if not draft or draft.get("patient", request.patient.pk) != request.patient.pk:
        draft = {
            "id": str(uuid.uuid4()),
            "patient": request.patient.pk,
            "pain_score": None,
            "temperature_text": "",
            "unit": request.session.get("temperature_unit", "c"),
            "temperature_c": None,
            "symptoms": {},
            "notes": "",
            "ask_bone_medicine": recovery_selectors.ask_bone_medicine(request.patient),
            "bone_medicine": None,
        }
        request.session[DRAFT] = draft
    return draft


def _next_step(step: str, draft: dict, *, back_to_review: bool) -> str:
    steps = checkin_steps(draft)
    if back_to_review:
        return reverse("app:checkin-step", args=["review"])
    following = steps[steps.index(step) + 1]
    return reverse("app:checkin-step", args=[following])


def _previous_step(step: str, draft: dict) -> str | None:
    steps = checkin_steps(draft)
    index = steps.index(step)
    if index == 0:
        return None
    if index == 1:
        return reverse("app:checkin")
    return reverse("app:checkin-step", args=[steps[index - 1]])


def _step_context(step: str, draft: dict) -> dict:
    steps = checkin_steps(draft)
    context = {
        "step": step,
        "step_number": steps.index(step) + 1,
        "step_count": len(steps),
        "draft": draft,
        "back_url": _previous_step(step, draft),
        "pain_values": range(11),
    }
    if step in SYMPTOM_QUESTIONS:
        question, hint = SYMPTOM_QUESTIONS[step]
        context.update(question=question, hint=hint, answer=draft["symptoms"].get(step))
    if step == "bone_medicine":
        context.update(choices=BONE_MEDICINE_ANSWERS, answer=draft.get("bone_medicine"))
    return context


def _read_step(step: str, post, draft: dict) -> dict[str, str]:
    """Put this step's answer into the draft; return errors by field name (nothing saved)."""
    if step == "pain":
        raw = post.get("pain_score", "")
        value = int(raw) if raw.isdigit() and len(raw) <= 2 else raw
        error = (
            str(checkin_field_error("pain_score", value) or "")
            if raw
            else _("Choose how bad your pain is.")
        )
        if error:
            return {"pain_score": error}
        draft["pain_score"] = value
    elif step == "temperature":
        unit = post.get("unit", "c")
        if unit not in ("c", "f"):
            return {"unit": _("Choose °C or °F.")}
        text = post.get("temperature", "")[:20]
        celsius, error = parse_temperature(text, unit)
        if error:
            draft_view = {**draft, "temperature_text": text, "unit": unit}
            return {"temperature": error, "_draft": draft_view}
        draft.update(temperature_text=text.strip(), unit=unit, temperature_c=celsius)
    elif step in SYMPTOM_QUESTIONS:
        answer = post.get("answer", "")
        if answer not in ("yes", "no"):
            return {"answer": _("Answer yes or no.")}
        draft["symptoms"][step] = answer == "yes"
    elif step == "bone_medicine":
        answer = post.get("answer", "")
        if answer not in dict(BONE_MEDICINE_ANSWERS):
            return {"answer": _("Choose the answer that fits best.")}
        draft["bone_medicine"] = answer
    elif step == "note":
        notes = post.get("notes", "")
        error = checkin_field_error("notes", notes)
        if error:
            return {"notes": error, "_draft": {**draft, "notes": notes}}
        draft["notes"] = notes.strip()
    return {}


@require_http_methods(["GET", "POST"])
@patient_required
def checkin(request, step: str = "pain"):
    draft = _draft(request)
    if step not in checkin_steps(draft):
        raise Http404("No such question.")
    if step == "review":
        return _review(request)
    back_to_review = request.GET.get("back") == "review"
    if request.method == "POST":
        errors = _read_step(step, request.POST, draft)
        if not errors:
            if step == "temperature":
                request.session["temperature_unit"] = draft["unit"]
            request.session[DRAFT] = draft
            return redirect(_next_step(step, draft, back_to_review=back_to_review))
        context = _step_context(step, errors.pop("_draft", draft))
        context["errors"] = errors
        return page(
            request,
            f"patientapp/checkin/{_template(step)}.html",
            context,
            nav="checkin",
            status=400,
        )
    return page(
        request,
        f"patientapp/checkin/{_template(step)}.html",
        _step_context(step, draft),
        nav="checkin",
    )


def _template(step: str) -> str:
    return "symptom" if step in SYMPTOM_QUESTIONS else step


def _submission(post) -> tuple[dict, dict[str, str]]:
    """The check-in the review form sends, as the API's input, and errors by field."""
    errors: dict[str, str] = {}
    raw_pain = post.get("pain_score", "")
    pain = int(raw_pain) if raw_pain.isdigit() and len(raw_pain) <= 2 else raw_pain
    raw_temperature = post.get("temperature_c", "").strip()
    temperature = None
    if raw_temperature:
        try:
            temperature = float(raw_temperature)
        except ValueError:
            temperature = raw_temperature
    data = {
        "id": post.get("id", ""),
        "pain_score": pain,
        "temperature_c": temperature,
        "symptoms": post.getlist("symptoms"),
        "notes": post.get("notes", ""),
        "bone_medicine": post.get("bone_medicine") or None,
    }
    for name, value in data.items():
        error = checkin_field_error(name, value)
        if error:
            errors[name] = error
    return data, errors


def _review(request):
    draft = _draft(request)
    missing_pain = draft["pain_score"] is None
    if request.method == "POST":
        data, errors = _submission(request.POST)
        if not errors:
            serializer = CheckInInputSerializer(data=data, context={"patient": request.patient})
            if serializer.is_valid():
                try:
                    result = recovery_services.checkin_record(
                        patient=request.patient,
                        data=serializer.validated_data,
                        entered_by=request.user,
                    )
                except Conflict:
                    errors["id"] = _("This check-in was already sent with other answers.")
                else:
                    request.session.pop(DRAFT, None)
                    return redirect("app:checkin-done", checkin_id=result.checkin.pk)
            else:
                errors = {
                    name: str(CHECKIN_ERRORS.get(name, _("Please check this answer.")))
                    for name in serializer.errors
                }
        return page(
            request,
            "patientapp/checkin/review.html",
            {**_review_context(draft), "errors": errors, "bad_submission": True},
            nav="checkin",
            status=400,
        )
    if missing_pain:
        return redirect("app:checkin")
    return page(request, "patientapp/checkin/review.html", _review_context(draft), nav="checkin")


def _review_context(draft: dict) -> dict:
    steps = checkin_steps(draft)
    said_yes = [code for code in steps if draft["symptoms"].get(code)]
    unanswered = [code for code in SYMPTOM_QUESTIONS if code not in draft["symptoms"]]
    return {
        "step": "review",
        "step_number": len(steps),
        "step_count": len(steps),
        "back_url": _previous_step("review", draft),
        "bone_medicine_answer": dict(BONE_MEDICINE_ANSWERS).get(draft.get("bone_medicine")),
        "draft": draft,
        "yes_symptoms": [(code, SYMPTOM_NAMES[code]) for code in said_yes],
        "no_symptoms": [
            (code, SYMPTOM_NAMES[code])
            for code in steps
            if code in SYMPTOM_QUESTIONS and draft["symptoms"].get(code) is False
        ],
        "unanswered": [(code, SYMPTOM_NAMES[code]) for code in unanswered],
        "symptom_codes": said_yes,
    }


@require_GET
@patient_required
def checkin_done(request, checkin_id):
    checkin = selectors.own_checkin_get(request.user, checkin_id, request.patient)
    if checkin is None:
        raise Http404("No such check-in.")
    alerts = sorted(checkin.alerts.all(), key=lambda a: -SEVERITY_RANK[a.severity])
    guidance = CheckinResult(checkin=checkin, alerts=alerts).guidance
    return page(
        request,
        "patientapp/checkin/done.html",
        {
            "checkin": checkin,
            "severity": guidance["severity"] if guidance else None,
            # The patient reads the rule's message in their language; the stored alert and
            # the team's views keep the team's wording.
            "messages_for_patient": list(
                dict.fromkeys(_(a.message) for a in alerts if a.severity != "info")
            ),
        },
        nav="checkin",
    )


# --- Offline: the shell, the service worker, the queue's endpoint ---------------------------


@require_POST
@patient_required
def checkin_api(request):
    """The offline queue sends here: the API's check-in, with the session and CSRF token
    instead of a JWT (the page that queued it is ours). A replay answers 200, as the API."""
    if throttled(request, "checkin"):
        return JsonResponse({"detail": "Too many check-ins; try again soon."}, status=429)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "Body must be JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "Body must be a JSON object."}, status=400)
    # The queue names the patient it was made for (a caregiver may have switched since);
    # one outside the caller's care is the API's 400 field error, as POST /api/v1/checkins/.
    patient = request.patient
    if body.get("patient") is not None:
        named = [p for p in _patients_of(request) if p.pk == body["patient"]]
        if not named:
            return JsonResponse({"patient": ["No such patient."]}, status=400)
        patient = named[0]
    serializer = CheckInInputSerializer(data=body, context={"patient": patient})
    if not serializer.is_valid():
        return JsonResponse(serializer.errors, status=400)
    try:
        result = recovery_services.checkin_record(
            patient=patient, data=serializer.validated_data, entered_by=request.user
        )
    except Conflict as exc:
        return JsonResponse({"detail": str(exc.detail)}, status=409)
    answer = CheckInResultSerializer(
        result.checkin, context={"alerts": result.alerts, "guidance": result.guidance}
    ).data
    answer["done_url"] = reverse("app:checkin-done", args=[result.checkin.pk])
    return JsonResponse(answer, status=200 if result.replayed else 201)


def _patients_of(request) -> list:
    if request.is_caregiver:
        return selectors.cared_patients(request.user)
    return [request.patient]


@require_GET
def offline(request):
    """The check-in as one page for the service worker's cache: no health data at all (only
    the signed-in patient's language and their team's emergency number)."""
    patient = (
        selectors.acting_patient(request.user, request.session.get(ACTING_FOR))
        if request.user.is_authenticated
        else None
    )
    language = patient.language if patient else visitor_language(request)
    number = patient.team.emergency_number if patient else settings.DEFAULT_EMERGENCY_NUMBER
    with translation.override(language):
        response = render(
            request,
            "patientapp/offline.html",
            {
                "pain_values": range(11),
                "questions": [
                    (code, *SYMPTOM_QUESTIONS[code]) for code in symptoms_in_question_order()
                ],
                "emergency_number": number,
                "emergency_symptoms": emergency_symptoms_text(),
            },
        )
    patch_cache_control(response, private=True, max_age=0)
    return response


@require_GET
def service_worker(request):
    path = settings.BASE_DIR / "patientapp" / "static" / "patientapp" / "sw.js"
    response = HttpResponse(path.read_text(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/app/"
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def manifest(request):
    with translation.override(visitor_language(request)):
        body = {
            "name": _("Recovery tracker"),
            "short_name": _("Recovery"),
            "start_url": "/app/",
            "scope": "/app/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#005eb8",
            "icons": [
                {"src": "/static/patientapp/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/static/patientapp/icon-512.png", "sizes": "512x512", "type": "image/png"},
                {"src": "/static/patientapp/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    return JsonResponse(body, content_type="application/manifest+json")
