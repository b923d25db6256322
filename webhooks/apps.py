from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks: events sent to system clients"

    def ready(self) -> None:
        from webhooks import receivers

        receivers.connect()
