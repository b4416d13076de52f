"""English and Spanish: the patient's pages, guidance and emails follow Patient.language; the
stored alert and the clinician's views keep the team's wording."""

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from outbox.models import Message
from patientapp import wording
from recovery import rules
from recovery.models import Alert
from recovery.services import patient_enroll, procedure_record
from reminders import plan
from reminders.messages import reminder_email
from tests.patientapp.support import walk_checkin

LOCALE = Path(settings.LOCALE_PATHS[0])


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_compiled_translations_are_current(language):
    """Run `python manage.py compiletranslations` after editing a .po file."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), entry.msgid


def test_every_patient_facing_message_has_a_spanish_translation():
    """The rules' and the plan's English lives in their modules; a changed sentence there
    must get its translation too (patientapp/wording.py lists them for makemessages)."""
    originals = [rule.message for rule in rules.RULES_BY_CODE.values()]
    originals += list(rules.GUIDANCE.values())
    originals += [text for item in plan.PLAN for text in (item.title, item.text)]
    originals += [str(label) for label in plan.Kind.labels]
    originals += [str(q) for pair in wording.SYMPTOM_QUESTIONS.values() for q in pair]
    with translation.override("es"):
        untranslated = [text for text in originals if translation.gettext(text) == text]
    assert untranslated == []


@pytest.fixture
def maria(team):
    team.phone = "+34 900 000 000"
    team.emergency_number = "112"
    team.save()
    patient, _code = patient_enroll(
        team=team,
        data={
            "email": "maria@patient.test",
            "first_name": "María",
            "last_name": "Hernández",
            "date_of_birth": dt.date(1946, 5, 1),
            "timezone": "Europe/Madrid",
            "language": "es",
        },
    )
    patient.user.set_password("correct-horse-battery-staple")
    patient.user.save()
    procedure_record(
        patient=patient,
        data={
            "procedure_type": "vertebroplasty",
            "performed_on": timezone.now().date() - dt.timedelta(days=2),
            "vertebral_levels": ["T12"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 8,
        },
    )
    return patient


def test_the_enrollment_email_is_in_the_patients_language(maria):
    email = Message.objects.get(category="enrollment", to="maria@patient.test")
    assert email.subject == "Su código para el seguimiento de recuperación"
    assert "Hola, María:" in email.body_text
    assert "Cree su contraseña" in email.body_html


def test_a_reminder_email_is_in_the_patients_language(maria):
    reminder = maria.reminders.get(kind="lifting_restriction", offset_days=3)
    message = reminder_email(reminder=reminder, token="t")
    assert message.subject == "Todavía no levante peso"
    assert "Hola, María:" in message.body_text
    assert "de 2026" in message.body_text or "de 2027" in message.body_text  # "6 de marzo de 2026"
    assert "Registrar cómo estoy" in message.body_html
    assert translation.get_language() == "en"  # nothing leaks into the next message


def test_a_spanish_patients_pages_and_guidance_are_in_spanish(app_client, maria):
    client = app_client(maria.user)
    home = client.get("/app/")
    assert home["Content-Language"] == "es"
    assert '<html lang="es">' in home.content.decode()
    assert "Hola, María" in home.content.decode()
    pain = client.get("/app/checkin/pain/").content.decode()
    assert "¿Cuánto le duele la espalda ahora mismo?" in pain
    assert "Intervención" in client.get("/app/history/").content.decode()
    response = client.post("/app/checkin/review/", walk_checkin(client, pain=3, yes=["chest_pain"]))
    done = client.get(response["Location"]).content.decode()
    assert "Llame al 112 ahora" in done
    assert 'href="tel:112"' in done
    assert "La falta de aire o el dolor en el pecho pueden ser graves" in done
    # The stored alert keeps the team's wording.
    assert Alert.objects.get().message.startswith("Shortness of breath or chest pain")


def test_the_api_answers_a_spanish_patient_in_spanish(api, maria, clinician):
    response = api(maria.user).post(
        "/api/v1/checkins/", {"pain_score": 3, "symptoms": ["fever"]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["alerts"][0]["message"].startswith("Ha dicho que tiene fiebre")
    assert body["guidance"]["message"].startswith("Póngase en contacto hoy")
    stored = api(clinician).get(f"/api/v1/alerts/{body['alerts'][0]['id']}/").json()
    assert stored["message"].startswith("You reported a fever")


def test_me_carries_language_and_care_team(api, maria):
    me = api(maria.user).get("/api/v1/me/").json()
    assert me["language"] == "es"
    assert me["care_team"] == {
        "name": "North Spine Team",
        "phone": "+34 900 000 000",
        "emergency_number": "112",
    }


def test_clinicians_set_the_language_on_post_and_patch(api, clinician):
    created = api(clinician).post(
        "/api/v1/patients/",
        {
            "email": "ana@patient.test",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": "1950-01-02",
            "language": "es",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "es"
    pk = created.json()["id"]
    patched = api(clinician).patch(f"/api/v1/patients/{pk}/", {"language": "en"}, format="json")
    assert patched.status_code == 200 and patched.json()["language"] == "en"
    bad = api(clinician).patch(f"/api/v1/patients/{pk}/", {"language": "fr"}, format="json")
    assert bad.status_code == 400 and "language" in bad.json()


def test_a_new_team_gets_the_default_emergency_number(db, settings):
    from recovery.models import CareTeam

    assert CareTeam.objects.create(name="East").emergency_number == "911"
    settings.DEFAULT_EMERGENCY_NUMBER = "999"
    assert CareTeam.objects.create(name="West").emergency_number == "999"


def test_the_offline_shell_follows_the_patients_language_and_team(app_client, maria):
    body = app_client(maria.user).get("/app/offline/").content.decode()
    assert "Registrar sin conexión" in body
    assert 'href="tel:112"' in body
    assert "María" not in body  # the shell holds no name and no health data
