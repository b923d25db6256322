from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk: triggers, alerts, exploitation screening and referrals"

    def ready(self) -> None:
        from risk import checks  # noqa: F401 (registers the settings checks)
