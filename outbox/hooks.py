"""The SMS provider's webhooks: delivery reports and inbound texts (STOP/START). Both are
signed by the provider (outbox/signature.py); an unsigned or wrongly signed request gets 403."""

import re

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import delivery
from .signature import sms_request_is_signed

PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@csrf_exempt  # the provider's signature stands in for the CSRF token
@require_POST
def sms_status(request):
    if not sms_request_is_signed(request):
        return HttpResponseForbidden("bad signature")
    message_id = request.GET.get("message", "")
    delivery.delivery_report(
        provider_id=request.POST.get("MessageSid", request.POST.get("SmsSid", "")),
        status=request.POST.get("MessageStatus", request.POST.get("SmsStatus", "")),
        error_code=request.POST.get("ErrorCode", ""),
        message_id=int(message_id) if message_id.isdigit() else None,
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def sms_inbound(request):
    if not sms_request_is_signed(request):
        return HttpResponseForbidden("bad signature")
    # Only a phone number (E.164) is ours to answer: "whatsapp:+1...", a NUL byte or any
    # other sender is acknowledged and nothing is stored.
    number = request.POST.get("From", "").strip()
    if PHONE.fullmatch(number) and delivery.inbound_sms_first_time(
        message_sid=request.POST.get("MessageSid", request.POST.get("SmsSid", ""))
    ):
        delivery.sms_keyword_received(number=number, body=request.POST.get("Body", ""))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
