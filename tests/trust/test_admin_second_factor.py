"""Issue 23, medium 5: the Django admin asks for a second factor, shows no TOTP secret or
recovery code, and its reads of patient rows are in the patients' access logs."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.models import AccessRecord
from tests.factories import PASSWORD
from tests.support.admin import admin_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return User.objects.create_superuser("root@clinic.test", PASSWORD)


def test_a_password_alone_does_not_open_the_admin(root):
    client = Client()
    client.force_login(root)  # signed in, second factor not verified
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    page = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page


def test_a_verified_second_factor_opens_it(root):
    assert admin_verified(Client(), root).get("/admin/").status_code == 200


def test_no_totp_key_or_recovery_code_is_shown(root, clinician):
    totp = TOTPDevice.objects.create(user=clinician, name="phone", confirmed=True)
    codes = StaticDevice.objects.create(user=clinician, name="Recovery codes", confirmed=True)
    codes.token_set.create(token="secretcode1")
    client = admin_verified(Client(), root)
    pages = [
        client.get(f"/admin/otp_totp/totpdevice/{totp.pk}/change/"),
        client.get("/admin/otp_totp/totpdevice/"),
        client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/"),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert totp.key not in text and "secretcode1" not in text


def test_the_admins_reads_of_patient_rows_are_in_the_access_log(root, patient, procedure):
    client = admin_verified(Client(), root)
    assert client.get(f"/admin/recovery/patient/{patient.pk}/change/").status_code == 200
    assert client.get("/admin/recovery/procedure/").status_code == 200
    actions = set(
        AccessRecord.objects.filter(patient=patient, actor=root).values_list("action", flat=True)
    )
    assert actions == {"admin-patient", "admin-procedure"}
