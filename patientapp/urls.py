from django.urls import path

from . import sms_views
from .views import caregiver, checkin, offline, pages, record, settings, signin

app_name = "app"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("for/", caregiver.choose, name="choose"),
    path("activate/", signin.activate, name="activate"),
    path("l/<str:token>/", signin.signin_link, name="signin-link"),
    path("checkin/", checkin.checkin, name="checkin"),
    path("checkin/done/<uuid:checkin_id>/", checkin.checkin_done, name="checkin-done"),
    path("checkin/<slug:step>/", checkin.checkin, name="checkin-step"),
    path("history/", pages.history, name="history"),
    path("plan/", pages.plan, name="plan"),
    path("settings/", settings.settings_view, name="settings"),
    path("confirm-password/", signin.confirm_password, name="confirm-password"),
    path("settings/texts/", sms_views.texts, name="texts"),
    path("settings/texts/phone/", sms_views.texts_phone, name="texts-phone"),
    path("settings/texts/consent/", sms_views.texts_consent, name="texts-consent"),
    path("settings/texts/channel/", sms_views.texts_channel, name="texts-channel"),
    path("access-log/", pages.access_log, name="access-log"),
    path("record.pdf", record.record_pdf, name="record-pdf"),
    path("offline/", offline.offline, name="offline"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("api/checkins/", offline.checkin_api, name="checkin-api"),
]
