"""The irreducible work of the two benchmarked requests, written by hand.

checkin_create: authenticate the JWT by one indexed lookup, validate the body, insert one row.
patient_page: authenticate the same way, then one SQL query for a page of 50 of the clinician's
patients in risk order with their latest pain and open-alert count.
"""

import json
import uuid

import jwt
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

SYMPTOMS = {
    "fever",
    "chills",
    "leg_numbness",
    "leg_weakness",
    "site_redness",
    "site_swelling",
    "shortness_of_breath",
    "chest_pain",
    "new_sudden_pain",
    "bowel_bladder_change",
}

PATIENT_OF_USER = """
SELECT p.id FROM recovery_patient p JOIN accounts_user u ON u.id = p.user_id
WHERE p.user_id = %s AND u.is_active AND u.role = 'patient'
"""

CLINICIAN = "SELECT id FROM accounts_user WHERE id = %s AND is_active AND role = 'clinician'"

INSERT_CHECKIN = """
INSERT INTO recovery_checkin
    (id, patient_id, recorded_at, pain_score, temperature_c, symptoms, notes, received_at,
     client_payload)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

# Risk order as the service defines it: highest unresolved severity, then latest pain.
PAGE = """
SELECT p.id, p.first_name, p.last_name, lc.pain_score, lc.recorded_at,
       coalesce(a.n, 0), coalesce(a.rank, 0)
FROM recovery_patient p
JOIN recovery_careteam_clinicians tc ON tc.careteam_id = p.team_id AND tc.user_id = %s
LEFT JOIN LATERAL (
    SELECT c.pain_score, c.recorded_at FROM recovery_checkin c
    WHERE c.patient_id = p.id ORDER BY c.recorded_at DESC LIMIT 1
) lc ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n,
           max(CASE al.severity WHEN 'emergency' THEN 4 WHEN 'urgent' THEN 3
                                WHEN 'warning' THEN 2 ELSE 1 END) AS rank
    FROM recovery_alert al
    WHERE al.patient_id = p.id AND al.status IN ('open', 'acknowledged')
) a ON true
ORDER BY 7 DESC, lc.pain_score DESC NULLS LAST, p.last_name, p.id
LIMIT 50
"""


def _user_id(request) -> int | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(header[7:], settings.SECRET_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if claims.get("token_type") != "access":
        return None
    try:
        return int(claims["user_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _unauthorized() -> JsonResponse:
    return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)


def _is_int(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _errors(body) -> dict:
    if not isinstance(body, dict):
        return {"non_field_errors": ["Expected an object."]}
    errors = {}
    if not _is_int(body.get("pain_score"), 0, 10):
        errors["pain_score"] = ["An integer from 0 to 10 is required."]
    temperature = body.get("temperature_c")
    if temperature is not None and (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not 34.0 <= temperature <= 43.0
    ):
        errors["temperature_c"] = ["A number from 34 to 43."]
    symptoms = body.get("symptoms", [])
    if not isinstance(symptoms, list) or not all(s in SYMPTOMS for s in symptoms):
        errors["symptoms"] = ["A list of known symptom codes."]
    if "id" in body:
        try:
            uuid.UUID(body["id"])
        except (TypeError, ValueError, AttributeError):
            errors["id"] = ["Must be a UUID string."]
    return errors


def checkin_create(request):
    if request.method != "POST":
        return JsonResponse({"detail": "Method not allowed."}, status=405)
    user_id = _user_id(request)
    if user_id is None:
        return _unauthorized()
    with connection.cursor() as cursor:
        cursor.execute(PATIENT_OF_USER, [user_id])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "Only patients may use this endpoint."}, status=403)
        try:
            body = json.loads(request.body)
        except ValueError:
            return JsonResponse({"detail": "Malformed JSON."}, status=400)
        errors = _errors(body)
        if errors:
            return JsonResponse(errors, status=400)
        now = timezone.now()
        checkin_id = uuid.UUID(body["id"]) if "id" in body else uuid.uuid4()
        symptoms = sorted(set(body.get("symptoms", [])))
        cursor.execute(
            INSERT_CHECKIN,
            [
                checkin_id,
                row[0],
                now,
                body["pain_score"],
                body.get("temperature_c"),
                json.dumps(symptoms),
                "",
                now,
                json.dumps(body),
            ],
        )
    return JsonResponse(
        {
            "id": str(checkin_id),
            "recorded_at": now.isoformat(),
            "pain_score": body["pain_score"],
            "temperature_c": body.get("temperature_c"),
            "symptoms": symptoms,
        },
        status=201,
    )


def patient_page(request):
    user_id = _user_id(request)
    if user_id is None:
        return _unauthorized()
    with connection.cursor() as cursor:
        cursor.execute(CLINICIAN, [user_id])
        if cursor.fetchone() is None:
            return JsonResponse({"detail": "Only clinicians may use this endpoint."}, status=403)
        cursor.execute(PAGE, [user_id])
        rows = cursor.fetchall()
    results = [
        {
            "id": pk,
            "first_name": first,
            "last_name": last,
            "latest_pain_score": pain,
            "last_checkin_at": at.isoformat() if at else None,
            "open_alerts": open_alerts,
        }
        for pk, first, last, pain, at, open_alerts, _rank in rows
    ]
    return JsonResponse({"results": results})
