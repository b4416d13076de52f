"""The text message beside an urgent or emergency alert's email, for clinicians who chose it
(a phone and `alert_sms` on their account, set in the dashboard's account page).

An SMS crosses networks and sits on a lock screen: it carries only the patient's initials,
the severity and the dashboard link, nothing clinical. Queued in the same transaction as the
email; a number that texted STOP is skipped at send time by the outbox.
"""

from accounts.models import User
from outbox.models import Message
from outbox.services import message_build

ALERT_SMS_TEMPLATE = "notifications/sms/alert"


def alert_texts(*, alert, clinicians: list[User], context: dict) -> list[Message]:
    """Built (not saved) SMS for the clinicians of `clinicians` who want alerts by text."""
    return [
        message_build(
            channel=Message.Channel.SMS,
            to=clinician.phone,
            template=ALERT_SMS_TEMPLATE,
            context={
                key: context[key] for key in ("initials", "severity", "signs", "link", "round")
            },
            category=f"alert-{alert.severity}",
            urgent=True,
            ref_type="alert",
            ref_id=alert.pk,
        )
        for clinician in clinicians
        if clinician.alert_sms and clinician.phone
    ]
