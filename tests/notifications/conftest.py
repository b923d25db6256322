import pytest

from tests.notifications.fake_notify import API_KEY, EMAIL_TEMPLATE, TEXT_TEMPLATE, FakeNotify


@pytest.fixture
def fake_notify(settings):
    """GOV.UK Notify's far side on a local port, with Homeward configured to send through it."""
    server = FakeNotify().start()
    settings.HOMEWARD_NOTIFICATIONS_BACKEND = "notify"
    settings.HOMEWARD_NOTIFY_API_KEY = API_KEY
    settings.HOMEWARD_NOTIFY_BASE_URL = server.url
    settings.HOMEWARD_NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.HOMEWARD_NOTIFY_TEXT_TEMPLATE_ID = TEXT_TEMPLATE
    yield server
    server.hold.set()
    server.shutdown()
    server.server_close()
