"""A fake SMS provider on loopback in the shape of Twilio's Messages API, that accepts every
message and counts it (bench/driver.py), as bench/smtp_sink.py does for SMTP.

Usage: python -m bench.sms_sink PORT COUNT_FILE. Answers each form POST to
/2010-04-01/Accounts/<sid>/Messages.json with a sid (keep-alive, HTTP/1.1); every 20 ms the
count so far is written to COUNT_FILE (atomically). Bodies are read, not parsed: the sink
should cost the same whoever sends to it. tests/support/sms_provider.py is the test suite's
richer fake (failures, callbacks); this one only has to be cheap.
"""

import itertools
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "ACbench000000000000000000000000000"
AUTH_TOKEN = "bench-sms-auth-token"  # noqa: S105 - the fake provider's own
SENDER = "+15005550006"


def settings_env(port: int) -> dict[str, str]:
    """The SMS settings that point the service (driver and worker) at this sink."""
    return {
        "SMS_API_BASE_URL": f"http://127.0.0.1:{port}",
        "SMS_ACCOUNT_SID": ACCOUNT_SID,
        "SMS_AUTH_TOKEN": AUTH_TOKEN,
        "SMS_FROM": SENDER,
    }


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        self.sids = itertools.count(1)

    def add(self) -> int:
        with self.lock:
            self.count += 1
            return next(self.sids)


def handler(counter: Counter):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # one connection per client, as the transport keeps it
        # Headers and body are two writes: without TCP_NODELAY each answer waits out the
        # client's delayed ACK (40 ms), and the sink, not the sender, sets the rate.
        disable_nagle_algorithm = True

        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not self.path.endswith("/Messages.json"):
                self._answer(404, b'{"code": 20404, "message": "not found"}')
                return
            sid = counter.add()
            self._answer(201, b'{"sid": "SM%032d", "status": "queued"}' % sid)

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return

    return Handler


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    counter = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(counter))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = f"{path}.tmp"
    try:
        while True:
            with open(tmp, "w") as f:
                f.write(str(counter.count))
            os.replace(tmp, path)
            time.sleep(0.02)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
