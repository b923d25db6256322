"""A real local HTTP receiver (the far side of the webhook, faked), and a system client subscribed to it."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from access.models import Role
from access.tokens import create_client
from webhooks.actions import create_subscription
from webhooks.models import EventKind


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # status codes to answer with, in turn; then 200


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(Received(headers=dict(self.headers.items()), body=body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribed(world, receiver, settings):
    """Northmoor's case management system (a coordinator's view of Northmoor) subscribed to every event."""
    settings.HOMEWARD_WEBHOOK_ALLOW_HTTP = True
    client = create_client(
        name="Northmoor CMS", agency=world.north, role=Role.COORDINATOR, acting_user=world.users.admin
    )
    subscription, secret = create_subscription(
        client=client, url=receiver.url, events=EventKind.values, acting_user=world.users.admin
    )
    return subscription, secret
