"""A real SMTP server for tests/notify_http.rs: Debian's aiosmtpd, listening on
127.0.0.1:PORT, writing each message it accepts to DIR as JSON (envelope recipients,
the decoded subject and text, each attachment saved beside it, and the client's address
and port, which tell its connections apart), then answering 250. A recipient whose
address starts with "busy." is refused for now (450), as a full mailbox is.

    python3 tests/smtp_sink.py PORT DIR
"""

import json
import os
import signal
import sys
import threading
import uuid
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("busy."):
            return "450 4.2.2 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        attachments = []
        for part in message.iter_attachments():
            path = os.path.join(self.out, name + "-" + str(len(attachments)) + ".bin")
            with open(path, "wb") as f:
                f.write(part.get_payload(decode=True))
            attachments.append(
                {"filename": part.get_filename(), "type": part.get_content_type(), "path": path}
            )
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "text": text.get_content() if text is not None else "",
            "attachments": attachments,
            "peer": "%s:%s" % tuple(session.peer[:2]),
        }
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.out, name + ".json"))
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
