from django.urls import path

from . import sms_views, views

app_name = "app"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("for/", views.choose, name="choose"),
    path("activate/", views.activate, name="activate"),
    path("l/<str:token>/", views.signin_link, name="signin-link"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/done/<uuid:checkin_id>/", views.checkin_done, name="checkin-done"),
    path("checkin/<slug:step>/", views.checkin, name="checkin-step"),
    path("history/", views.history, name="history"),
    path("plan/", views.plan, name="plan"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/texts/", sms_views.texts, name="texts"),
    path("settings/texts/phone/", sms_views.texts_phone, name="texts-phone"),
    path("settings/texts/consent/", sms_views.texts_consent, name="texts-consent"),
    path("settings/texts/channel/", sms_views.texts_channel, name="texts-channel"),
    path("access-log/", views.access_log, name="access-log"),
    path("offline/", views.offline, name="offline"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/checkins/", views.checkin_api, name="checkin-api"),
]
