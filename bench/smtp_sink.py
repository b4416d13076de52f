"""An SMTP server on loopback that accepts everything and counts it (bench/driver.py).

Usage: python -m bench.smtp_sink PORT COUNT_FILE. Every 20 ms the number of messages received
so far is written to COUNT_FILE (atomically), which the driver polls. Messages are not parsed:
the sink should cost the same whoever sends to it.
"""

import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.count += 1
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    tmp = f"{path}.tmp"
    try:
        while True:
            with open(tmp, "w") as f:
                f.write(str(counter.count))
            os.replace(tmp, path)
            time.sleep(0.02)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
