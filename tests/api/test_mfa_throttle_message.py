"""Issue 23 (a browser run): a correct code sent within a second of a wrong one was refused
with "This code does not match". While django-otp's throttle holds, say so and how long."""

import re

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.api.test_mfa import code_for


def test_the_api_confirm_says_to_wait_not_that_the_code_is_wrong(api, clinician):
    client = api(clinician)
    url = client.post("/api/v1/me/mfa/").json()["otpauth_url"]
    wrong = client.post("/api/v1/me/mfa/confirm/", {"otp": "000000"}, format="json")
    assert wrong.json() == {"otp": ["This code does not match. Try the newest one."]}
    right = client.post("/api/v1/me/mfa/confirm/", {"otp": code_for(url)}, format="json")
    assert right.status_code == 400
    [message] = right.json()["otp"]
    assert re.fullmatch(
        r"Too many codes were tried\. Wait \d+ seconds, then type the newest code\.", message
    )
    assert not TOTPDevice.objects.get(user=clinician).confirmed
    TOTPDevice.objects.update(throttling_failure_timestamp=None)  # the wait has passed
    again = client.post("/api/v1/me/mfa/confirm/", {"otp": code_for(url)}, format="json")
    assert again.status_code == 204


def test_the_dashboard_setup_says_to_wait(clinician, client):
    client.force_login(clinician)
    page = client.get("/dashboard/account/sign-in-codes/").content.decode()
    secret_url = re.search(r"otpauth://totp/[^\"<\s]+", page).group(0).replace("&amp;", "&")
    client.post("/dashboard/account/sign-in-codes/", {"otp": "000000"})
    response = client.post("/dashboard/account/sign-in-codes/", {"otp": code_for(secret_url)})
    body = response.content.decode()
    assert "Too many codes were tried. Wait" in body and "does not match" not in body
