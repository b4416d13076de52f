"""The patient app: server-rendered pages for patients, behind a session login.

Every page reads through patientapp.selectors (scoped to the signed-in patient) and every
write goes through the services the API uses (recovery.services.checkin_record,
enrollment_activate, patient_update), so no clinical rule or scope check is written twice.
Pages with health data are `Cache-Control: no-store`; only the offline shell may be cached.

base: language, sign-in checks, the page frame; signin: signing in and out; checkin: the
one-question-per-screen check-in; pages: home, history, plan, access log; settings: the
patient's and the caregiver's settings; caregiver: "who for?"; offline: the shell, the service
worker, the offline queue's endpoint.
"""
