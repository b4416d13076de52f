"""SMS opt-out: a number that texted STOP gets no SMS until it texts START."""

from collections.abc import Iterable

from .models import SmsOptOut


def sms_allowed(number: str) -> bool:
    return not SmsOptOut.objects.filter(number=number).exists()


def sms_blocked_numbers(numbers: Iterable[str]) -> set[str]:
    """The numbers among `numbers` that opted out, in one query."""
    numbers = list(set(numbers))
    if not numbers:
        return set()
    return set(SmsOptOut.objects.filter(number__in=numbers).values_list("number", flat=True))
