"""Helpers for the patient app's tests: walking the one-question-per-screen check-in."""

import re

from patientapp.views.checkin import checkin_steps


def walk_checkin(client, *, pain=3, temperature="", unit="c", yes=(), notes=""):
    """Answer every screen in the app's order as a patient would (emergency signs first; a
    "yes" to one stores the check-in at once and the walk goes on to finish it); return the
    review form's fields."""
    for step in checkin_steps()[:-1]:
        if step == "pain":
            body = {"pain_score": str(pain)}
        elif step == "temperature":
            body = {"temperature": temperature, "unit": unit}
        elif step == "note":
            body = {"notes": notes}
        else:
            body = {"answer": "yes" if step in yes else "no"}
        response = client.post(f"/app/checkin/{step}/", body)
        assert response.status_code == 302, (step, response.content.decode())
    review = client.get("/app/checkin/review/")
    assert review.status_code == 200
    return review_fields(review.content.decode())


def review_fields(html: str) -> dict:
    """The hidden inputs of the review form, as a dict of lists (symptoms repeat)."""
    form = html.split('class="prevent-double"', 1)[1]
    fields: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    return fields
