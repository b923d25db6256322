from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Information governance: audit trail, subject access, retention"

    def ready(self) -> None:
        from core import sections
        from governance import pages_elsewhere

        sections.register(
            "child:bottom",
            self.label,
            order=20,
            template="governance/includes/child_section.html",
            context=pages_elsewhere.subject_access_section,
        )
        from core import navigation
        from core.scheduling import DailyJob, register_daily_job
        from governance.navigation import navigation_items
        from governance.retention import retention_due_today
        from governance.tasks import apply_retention

        navigation.register(self.label, order=30, items=navigation_items)
        register_daily_job(DailyJob("the daily retention job", apply_retention, retention_due_today))
        from children import hooks
        from governance.actions import child_merge_problems, move_no_records

        hooks.register_merge_mover(
            self.label,
            hooks.MergeMover(
                fields=("governance.AnonymisedChild.child",), check=child_merge_problems, move=move_no_records
            ),
        )
