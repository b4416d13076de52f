"""The check-in, one question per screen: a draft in the session, a review, the result."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lib.exceptions import Conflict
from recovery import selectors as recovery_selectors
from recovery import services as recovery_services
from recovery.api.checkin_serializers import CheckInInputSerializer
from recovery.services import CheckinResult

from .. import selectors
from ..forms import CHECKIN_ERRORS, checkin_field_error, parse_temperature
from ..wording import BONE_MEDICINE_ANSWERS, SYMPTOM_NAMES, SYMPTOM_QUESTIONS
from .base import page, patient_required

DRAFT = "checkin_draft"


def checkin_steps(draft: dict | None = None) -> list[str]:
    """The questions in order: the emergency signs before anything else (API.md "Patient
    app": a "yes" to one is stored at once), then the pain, the temperature and the other
    signs, most severe first. The bone-medicine one only when a reminder about it fell due
    since the last answer (PROTOCOL.md section 6), decided once per check-in in the draft."""
    bone = ["bone_medicine"] if draft and draft.get("ask_bone_medicine") else []
    symptoms = symptoms_in_question_order()
    emergency = emergency_questions()
    others = [code for code in symptoms if code not in emergency]
    return [*emergency, "pain", "temperature", *others, *bone, "note", "review"]


def emergency_questions() -> list[str]:
    """The emergency signs among the app's questions, in question order."""
    emergency = set(selectors.emergency_symptoms())
    return [code for code in symptoms_in_question_order() if code in emergency]


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
            # What the patient chose last, else the unit their team asks in.
            "unit": request.session.get(
                "temperature_unit", request.patient.team.temperature_unit.lower()
            ),
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


def _is_number(raw: str) -> bool:
    """Plain ASCII digits only: str.isdigit() also says yes to "²", which int() refuses."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 2


def _read_step(step: str, post, draft: dict) -> dict[str, str]:
    """Put this step's answer into the draft; return errors by field name (nothing saved)."""
    if step == "pain":
        raw = post.get("pain_score", "")
        value = int(raw) if _is_number(raw) else raw
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
            errors = {"temperature": error, "_draft": draft_view}
            # 98.6 typed on the °C screen: a °F reading; asked, not refused.
            fahrenheit, f_error = parse_temperature(text, "f") if unit == "c" else (None, True)
            if not f_error:
                draft_view["fahrenheit_guess"] = {"text": text.strip(), "celsius": fahrenheit}
                errors["temperature"] = _(
                    "%(value)s is not a temperature in °C. Did you mean %(value)s °F?"
                ) % {"value": text.strip()}
            return errors
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
def checkin(request, step: str | None = None):
    if step == "review":  # the last step of every check-in
        return _review(request)
    draft = _draft(request)
    step = step or checkin_steps(draft)[0]
    if step not in checkin_steps(draft):
        raise Http404("No such question.")
    back_to_review = request.GET.get("back") == "review"
    if request.method == "POST":
        errors = _read_step(step, request.POST, draft)
        if not errors:
            if step == "temperature":
                request.session["temperature_unit"] = draft["unit"]
            request.session[DRAFT] = draft
            if draft["symptoms"].get(step) and step in emergency_questions():
                return _store_at_once(request, draft)
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


def _store_at_once(request, draft: dict):
    """An emergency "yes": the check-in is stored now, with what was answered so far, so the
    alert is raised and the team told before any further screen; the next page says to call
    the emergency number. Finishing the check-in later adds to this one (checkin_amend)."""
    data = _draft_as_input(draft)
    if draft.get("stored"):
        result = recovery_services.checkin_amend(
            patient=request.patient, checkin_id=draft["stored"], data=data
        )
    else:
        try:
            result = recovery_services.checkin_record(
                patient=request.patient, data=data, entered_by=request.user
            )
        except Conflict:
            # The same draft id already stored with other answers (a second tab): add to it.
            result = recovery_services.checkin_amend(
                patient=request.patient, checkin_id=draft["id"], data=data
            )
        draft["stored"] = str(result.checkin.pk)
        request.session[DRAFT] = draft
    return redirect("app:checkin-done", checkin_id=result.checkin.pk)


def _draft_as_input(draft: dict) -> dict:
    """The draft's answers so far as the check-in service takes them."""
    return {
        "id": uuid.UUID(draft["id"]),
        "pain_score": draft["pain_score"],
        "temperature_c": draft["temperature_c"],
        "symptoms": [code for code, yes in draft["symptoms"].items() if yes],
        "notes": draft["notes"],
        "bone_medicine": draft.get("bone_medicine"),
    }


def _template(step: str) -> str:
    return "symptom" if step in SYMPTOM_QUESTIONS else step


def _submission(post) -> dict:
    """The check-in the review form sends, as the API's input."""
    raw_pain = post.get("pain_score", "")
    pain = int(raw_pain) if _is_number(raw_pain) else raw_pain
    raw_temperature = post.get("temperature_c", "").strip()
    temperature = None
    if raw_temperature:
        try:
            temperature = float(raw_temperature)
        except ValueError:
            temperature = raw_temperature
    return {
        "id": post.get("id", ""),
        "pain_score": pain,
        "temperature_c": temperature,
        "symptoms": post.getlist("symptoms"),
        "notes": post.get("notes", ""),
        "bone_medicine": post.get("bone_medicine") or None,
    }


def _review(request):
    if request.method == "POST":
        return _review_post(request)
    draft = _draft(request)
    if draft["pain_score"] is None:
        return redirect("app:checkin")
    return page(request, "patientapp/checkin/review.html", _review_context(draft), nav="checkin")


def _review_post(request):
    """The review form carries the whole check-in, judged once by the API's serializer; the
    draft is read only to show the page again with what was wrong."""
    serializer = CheckInInputSerializer(
        data=_submission(request.POST), context={"patient": request.patient}
    )
    stored = (request.session.get(DRAFT) or {}).get("stored")
    if serializer.is_valid():
        try:
            if stored and str(serializer.validated_data.get("id")) == stored:
                result = recovery_services.checkin_amend(
                    patient=request.patient, checkin_id=stored, data=serializer.validated_data
                )
            else:
                result = recovery_services.checkin_record(
                    patient=request.patient,
                    data=serializer.validated_data,
                    entered_by=request.user,
                )
        except Conflict:
            errors = {"id": _("This check-in was already sent with other answers.")}
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
        {**_review_context(_draft(request)), "errors": errors, "bad_submission": True},
        nav="checkin",
        status=400,
    )


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
    alerts = list(checkin.alerts.all())
    guidance = CheckinResult(checkin=checkin, alerts=alerts).guidance
    severity = guidance["severity"] if guidance else None
    draft = request.session.get(DRAFT) or {}
    unfinished = draft.get("stored") == str(checkin.pk)
    return page(
        request,
        "patientapp/checkin/done.html",
        {
            "checkin": checkin,
            "severity": severity,
            # Only what the most severe sign asks, plainly: a patient told to call 911 about
            # their breathing reads nothing about fractures. The patient reads the rule's
            # message in their language; the stored alert and the team's views keep the
            # team's wording.
            "messages_for_patient": list(
                dict.fromkeys(
                    _(a.message) for a in alerts if a.severity == severity and severity != "info"
                )
            ),
            # Stored at an emergency "yes": the rest of the check-in may follow, not needed.
            "continue_url": _continue_url(draft) if unfinished else None,
        },
        nav="checkin",
    )


def _continue_url(draft: dict) -> str:
    """The first question not answered yet in an unfinished check-in."""
    for step in checkin_steps(draft):
        if step in SYMPTOM_QUESTIONS and step not in draft["symptoms"]:
            return reverse("app:checkin-step", args=[step])
        if step == "pain" and draft["pain_score"] is None:
            return reverse("app:checkin-step", args=[step])
    return reverse("app:checkin-step", args=["review"])
