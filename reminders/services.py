"""The reminders app's services, for other apps: one import for what they call.

Each lives in the module named for what it holds: planning (the plan's rows), dispatch
(queueing due reminders), messages (what a reminder says), optouts, calendar_feeds.
"""

from .calendar_feeds import (
    calendar_digest,
    calendar_feed_get_or_create,
    calendar_feed_rotate,
    calendar_url,
)
from .dispatch import reminders_dispatch
from .optouts import (
    BadUnsubscribeLink,
    reminder_kinds_set,
    reminder_kinds_wanted,
    reminder_opt_out,
    unsubscribe_parse,
    unsubscribe_url,
)
from .planning import (
    plan_build,
    plan_changed,
    plan_sync,
    plans_create,
    reminders_cancel_for_discharge,
)

__all__ = [
    "BadUnsubscribeLink",
    "calendar_digest",
    "calendar_feed_get_or_create",
    "calendar_feed_rotate",
    "calendar_url",
    "plan_build",
    "plan_changed",
    "plan_sync",
    "plans_create",
    "reminder_kinds_set",
    "reminder_kinds_wanted",
    "reminder_opt_out",
    "reminders_cancel_for_discharge",
    "reminders_dispatch",
    "unsubscribe_parse",
    "unsubscribe_url",
]
