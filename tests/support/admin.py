"""A Django test client in the admin, signed in with a verified second factor (the admin is
an OTPAdminSite: issue 23)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice


def admin_verified(client, user):
    """`client` signed in as `user`, their second factor verified in the session."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
