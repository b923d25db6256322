"""A real HTTP server standing in for api.notifications.service.gov.uk: the far side of GOV.UK Notify, so the tests
drive our code and the real notifications-python-client unchanged (pointed at it through `base_url`).

It checks each request's JWT as Notify does (signed with the key's secret, issued by the service id), records the
messages it accepts, answers `GET /v2/notifications?reference=` from them, and can be told to fail the next
requests with a status, or to hold a send until released (to kill a worker mid-send)."""

import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"homeward_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEXT_TEMPLATE = "a0a2f8f9-7c3a-4b8a-9f6f-1f1c1c1c1c1c"


PORTS = range(8300, 8400)  # this branch's port range


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("No free port between 8300 and 8399")


class FakeNotify(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", _free_port()), _Handler)
        self.sent: list[dict] = []
        self.fail_next: list[int] = []  # statuses to answer the next sends with
        self.hold = threading.Event()  # cleared: sends wait until it is set
        self.hold.set()
        self.received = threading.Event()  # set when a send arrives
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeNotify":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    server: FakeNotify

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
        except jwt.PyJWTError:
            return False
        return claims["iss"] == SERVICE_ID

    def do_GET(self) -> None:
        if not self._authorised():
            return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
        reference = parse_qs(urlparse(self.path).query).get("reference", [""])[0]
        with self.server.lock:
            found = [m for m in self.server.sent if m.get("reference") == reference]
        return self._answer(200, {"notifications": found, "links": {"current": self.path}})

    def do_POST(self) -> None:
        if not self._authorised():
            return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        kind = self.path.rsplit("/", 1)[-1]
        with self.server.lock:
            failure = self.server.fail_next.pop(0) if self.server.fail_next else None
        if failure:
            return self._answer(failure, {"errors": [{"error": "Fake", "message": "Failing on purpose"}]})
        record = {"id": str(uuid.uuid4()), "type": kind, **body}
        with self.server.lock:
            self.server.sent.append(record)
        self.server.received.set()
        self.server.hold.wait()
        return self._answer(201, {"id": record["id"], "reference": body.get("reference"), "content": {}})
