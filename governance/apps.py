from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Information governance: audit trail, subject access, retention"

    def ready(self) -> None:
        from core import navigation
        from core.scheduling import DailyJob, register_daily_job
        from governance.navigation import navigation_items
        from governance.retention import retention_due_today
        from governance.tasks import apply_retention

        navigation.register(self.label, order=30, items=navigation_items)
        register_daily_job(DailyJob("the daily retention job", apply_retention, retention_due_today))
