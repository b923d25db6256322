from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Agencies, people, roles and audit"

    def ready(self) -> None:
        from access import signals  # noqa: F401  (connects the sign-in audit receivers)
        from access.work import no_tasks_context
        from core.inbox import register_no_tasks_page

        register_no_tasks_page(no_tasks_context)  # My work for a role with no tasks
