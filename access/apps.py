from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Agencies, people, roles and audit"

    def ready(self) -> None:
        from access import signals  # noqa: F401  (connects the sign-in audit receivers)
