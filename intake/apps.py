from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Police notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from children import hooks
        from intake import navigation as intake_navigation
        from intake.actions import move_merged_child

        intake_navigation.register()
        hooks.register_merge_mover(
            self.label,
            hooks.MergeMover(
                fields=(
                    "intake.Notification.child",
                    "intake.Notification.proposed_children",
                    "intake.ProvisionalChild.child",
                ),
                check=hooks.no_problems,
                move=move_merged_child,
            ),
        )
