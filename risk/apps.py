from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk: triggers, alerts, exploitation screening and referrals"

    def ready(self) -> None:
        from core.inbox import register_task_source
        from risk import checks  # noqa: F401 (registers the settings checks)
        from risk.work import SOURCES as TASK_SOURCES

        for source in TASK_SOURCES:
            register_task_source(source)  # My work: alerts to decide
