from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing between agencies, and emergency access"

    def ready(self) -> None:
        from core import navigation
        from core.error_pages import register_not_found_context
        from sharing.navigation import navigation_items
        from sharing.views import emergency_access_offer

        navigation.register(self.label, order=50, items=navigation_items)  # shared with my agency; reviews
        register_not_found_context(self.label, emergency_access_offer)  # the way to ask for emergency access
        from children import hooks

        hooks.register_merge_mover(
            self.label,
            hooks.repointing_mover(
                {"sharing.Share.child": "shares", "sharing.EmergencyAccess.child": "uses of emergency access"}
            ),
        )
