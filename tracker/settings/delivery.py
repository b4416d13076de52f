"""Delivery: email, SMS, the outbox, Celery and what beat wakes (reminders, alerts, sweeps)."""

from .base import VAR_DIR, env

# Email: to an SMTP server when EMAIL_HOST or EMAIL_PORT is set, else to files in var/mail.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=0)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Recovery tracker <no-reply@localhost>")
if EMAIL_HOST or EMAIL_PORT:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
    EMAIL_PORT = EMAIL_PORT or 25
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# Celery. The database is the source of truth for every email and reminder; the broker only
# carries wake-ups, and beat's sweeper re-wakes anything a lost message left behind.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery-broker"
    _queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection before and after every task unless
# this is set, so each send task opened a new PostgreSQL connection (~130 ms of a 50-message
# batch's ~230 under load, bench/NOTES.md). Set, it never closes them itself: tracker/celery.py
# ends connections as Django does around a request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# How often beat wakes the outbox sweeper, and how long a claimed email may stay "sending"
# before the sweeper assumes its worker died. Tests shorten both.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=30.0)
OUTBOX_SENDING_LEASE_SECONDS = env.float("OUTBOX_SENDING_LEASE_SECONDS", default=300.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)

# SMS (outbox/transports.py): a provider speaking Twilio's Messages API. With no account SID
# SMS is off: an SMS then fails at once with that reason, and a system check warns.
SMS_API_BASE_URL = env.str("SMS_API_BASE_URL", default="https://api.twilio.com")
SMS_ACCOUNT_SID = env.str("SMS_ACCOUNT_SID", default="")
SMS_AUTH_TOKEN = env.str("SMS_AUTH_TOKEN", default="")
SMS_FROM = env.str("SMS_FROM", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep_task",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
}

# Alerts (PROTOCOL.md section 4). How often beat looks for due re-sends of unacknowledged
# urgent/emergency alerts, for teams whose daily warnings digest hour has come, and for missed
# check-ins. The re-send delays and the digest hour themselves are per-team settings
# (recovery/rules.py); these are only how finely beat looks. Tests shorten them.
ALERT_ESCALATION_SWEEP_SECONDS = env.float("ALERT_ESCALATION_SWEEP_SECONDS", default=60.0)
ALERT_DIGEST_SWEEP_SECONDS = env.float("ALERT_DIGEST_SWEEP_SECONDS", default=300.0)
MISSED_CHECKINS_SWEEP_SECONDS = env.float("MISSED_CHECKINS_SWEEP_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE |= {
    "alert-escalations": {
        "task": "notifications.tasks.alert_escalations_task",
        "schedule": ALERT_ESCALATION_SWEEP_SECONDS,
    },
    "warning-digests": {
        "task": "notifications.tasks.warning_digests_task",
        "schedule": ALERT_DIGEST_SWEEP_SECONDS,
    },
    "missed-checkins": {
        "task": "recovery.tasks.missed_checkins_task",
        "schedule": MISSED_CHECKINS_SWEEP_SECONDS,
    },
}

# Bone health (PROTOCOL.md section 6): the daily denosumab_overdue rule. It counts local days
# (at most one addition a day), so beat may look more often than daily: a restart of beat then
# never skips a day. Tests shorten it.
DENOSUMAB_OVERDUE_SWEEP_SECONDS = env.float("DENOSUMAB_OVERDUE_SWEEP_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE |= {
    "denosumab-overdue": {
        "task": "bonehealth.tasks.denosumab_overdue_task",
        "schedule": DENOSUMAB_OVERDUE_SWEEP_SECONDS,
    },
}

# The patient app's used and expired sign-in links, deleted a few days on (patientapp/tasks.py).
SIGNIN_LINK_PRUNE_SECONDS = env.float("SIGNIN_LINK_PRUNE_SECONDS", default=6 * 3600.0)
CELERY_BEAT_SCHEDULE |= {
    "signin-links-prune": {
        "task": "patientapp.tasks.signin_links_prune_task",
        "schedule": SIGNIN_LINK_PRUNE_SECONDS,
    },
}

# Reminders (reminders/): how often beat wakes the dispatcher, reminders per batch, and how
# late a reminder may still go out (delivery, leases and retries are the outbox's, OUTBOX_*).
REMINDER_DISPATCH_SECONDS = env.float("REMINDER_DISPATCH_SECONDS", default=60.0)
REMINDER_DISPATCH_BATCH = env.int("REMINDER_DISPATCH_BATCH", default=200)
REMINDER_LATE_LIMIT_HOURS = env.float("REMINDER_LATE_LIMIT_HOURS", default=24.0)
CELERY_BEAT_SCHEDULE["reminders-dispatch"] = {
    "task": "reminders.tasks.reminders_dispatch_task",
    "schedule": REMINDER_DISPATCH_SECONDS,
}
# Workers log through LOGGING (base.py: JSON, with the request id that queued the task).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
