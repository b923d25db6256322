from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk: triggers, alerts, exploitation screening and referrals"

    def ready(self) -> None:
        from core import sections
        from risk import pages_elsewhere

        sections.register(
            "child:top",
            self.label,
            order=10,
            template="risk/includes/child_risk.html",
            context=pages_elsewhere.child_risk_section,
        )
        sections.register(
            "interview:top",
            self.label,
            order=10,
            template="risk/includes/interview_prompt.html",
            context=pages_elsewhere.interview_screening_prompt,
        )
        from children import changes
        from risk import (
            checks,  # noqa: F401 (registers the settings checks)
            tasks,
        )

        # Looked up at each call (not bound now), so the queue can be replaced in a test.
        changes.subscribe("risk triggers", lambda child_id: tasks.enqueue_evaluation(child_id), when="on_commit")
        from children import hooks
        from risk.actions import move_child_records

        hooks.register_merge_mover(
            self.label,
            hooks.MergeMover(
                fields=("risk.Alert.child", "risk.Screening.child", "risk.Referral.child"),
                check=hooks.no_problems,
                move=move_child_records,
            ),
        )
        from core.inbox import register_task_source
        from risk.work import SOURCES as TASK_SOURCES

        for source in TASK_SOURCES:
            register_task_source(source)  # My work: alerts to decide
