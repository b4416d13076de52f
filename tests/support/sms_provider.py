"""A fake SMS provider on loopback, in the shape of Twilio's Messages API (as aiosmtpd stands
in for SMTP): it records each request (basic auth, form fields), answers with a sid, can be
told to fail (500, 429, 400) or to refuse connections, and can POST the signed status
callback to the StatusCallback URL it was given."""

import base64
import itertools
import json
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from outbox.signature import SIGNATURE_HEADER, sms_signature

ACCOUNT_SID = "ACtest0000000000000000000000000000"
AUTH_TOKEN = "test-auth-token-0123456789"  # noqa: S105 - the fake provider's own
SENDER = "+15005550006"


@dataclass
class SmsRequest:
    path: str
    auth: tuple[str, str]
    form: dict[str, str]
    sid: str


class SmsProvider:
    """Start, stop (refuse connections) and restart on the same port; see fail_next()."""

    def __init__(self, port: int = 0):
        self.port = port
        self.requests: list[SmsRequest] = []
        self.failures: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self._sids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "SmsProvider":
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def fail_next(self, status: int, times: int = 1, body: dict | None = None) -> None:
        """The next `times` sends are answered with `status` (e.g. 500, 429, 400)."""
        with self.lock:
            self.failures += [
                (status, body or {"code": 21211, "message": "Invalid number"})
            ] * times

    def sent(self) -> list[SmsRequest]:
        with self.lock:
            return list(self.requests)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[SmsRequest]:
        deadline = time.monotonic() + timeout
        while len(self.sent()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.sent()

    def callback(self, request: SmsRequest, status: str, *, error_code: str = "") -> int:
        """POST the provider's signed delivery report for `request`; return the HTTP status."""
        fields = {"MessageSid": request.sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID}
        if error_code:
            fields["ErrorCode"] = error_code
        return signed_post(request.form["StatusCallback"], fields)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                user, _, password = (
                    base64.b64decode(self.headers.get("Authorization", "Basic ")[6:])
                    .decode()
                    .partition(":")
                )
                with provider.lock:
                    failure = provider.failures.pop(0) if provider.failures else None
                    sid = f"SM{next(provider._sids):032d}"
                    if failure is None:
                        provider.requests.append(SmsRequest(self.path, (user, password), form, sid))
                if failure is not None:
                    status, payload = failure
                else:
                    status, payload = 201, {"sid": sid, "status": "queued", "to": form.get("To")}
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                return

        return Handler


def worker_env(*, site_url: str, provider: SmsProvider) -> dict[str, str]:
    """A Celery worker's settings for texting through this fake provider, whose callbacks
    then go to the app at `site_url`."""
    return {
        "SITE_URL": site_url,
        "SMS_API_BASE_URL": provider.base_url,
        "SMS_ACCOUNT_SID": ACCOUNT_SID,
        "SMS_AUTH_TOKEN": AUTH_TOKEN,
        "SMS_FROM": SENDER,
    }


def signed_post(url: str, fields: dict[str, str], token: str = AUTH_TOKEN) -> int:
    """POST a form signed as the provider signs its webhooks; return the HTTP status."""
    request = urllib.request.Request(  # noqa: S310 - a loopback test URL
        url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={SIGNATURE_HEADER: sms_signature(url, list(fields.items()), token)},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
