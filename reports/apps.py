from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports: the safeguarding partnership's monthly and annual PDF reports"

    def ready(self) -> None:
        from core.scheduling import DailyJob, register_daily_job
        from reports.actions import reports_due
        from reports.tasks import store_partnership_reports

        register_daily_job(DailyJob("the partnership reports job", store_partnership_reports, reports_due))
