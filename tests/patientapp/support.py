"""Helpers for the patient app's tests: walking the one-question-per-screen check-in."""

import re

from patientapp.views.checkin import checkin_steps


def walk_checkin(client, *, pain=3, temperature="", unit="c", yes=(), notes=""):
    """Answer every screen as a patient would; return the review form's fields."""
    assert client.post("/app/checkin/", {"pain_score": str(pain)}).status_code == 302
    response = client.post("/app/checkin/temperature/", {"temperature": temperature, "unit": unit})
    assert response.status_code == 302, response.content.decode()
    for step in checkin_steps()[2:-2]:
        answer = "yes" if step in yes else "no"
        assert client.post(f"/app/checkin/{step}/", {"answer": answer}).status_code == 302
    assert client.post("/app/checkin/note/", {"notes": notes}).status_code == 302
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
