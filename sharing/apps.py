from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing between agencies, and emergency access"

    def ready(self) -> None:
        from access import share_kinds
        from core import sections
        from sharing import pages_elsewhere

        sections.register(
            "child:bottom",
            self.label,
            order=10,
            template="sharing/includes/child_shares.html",
            context=pages_elsewhere.child_sharing_section,
        )
        for item in share_kinds.items():  # "Share" on the page of each shareable item that has one
            if item.actions_slot:
                sections.register(
                    item.actions_slot,
                    self.label,
                    order=item.actions_order,
                    template="sharing/includes/share_button.html",
                    context=pages_elsewhere.share_buttons(item.field),
                )
        from core import navigation
        from core.banners import register_child_banner
        from core.error_pages import register_not_found_context
        from core.inbox import register_task_source
        from sharing.navigation import navigation_items
        from sharing.views import emergency_access_offer
        from sharing.work import SOURCES as TASK_SOURCES

        navigation.register(self.label, order=50, items=navigation_items)  # shared with my agency; reviews
        register_not_found_context(self.label, emergency_access_offer)  # the way to ask for emergency access
        register_child_banner(  # "You are seeing this record under emergency access", on every page about the child
            self.label,
            order=10,
            template="sharing/includes/emergency_banner.html",
            build=pages_elsewhere.emergency_access_banners,
        )
        from children import hooks

        hooks.register_merge_mover(
            self.label,
            hooks.repointing_mover(
                {"sharing.Share.child": "shares", "sharing.EmergencyAccess.child": "uses of emergency access"}
            ),
        )
        for source in TASK_SOURCES:
            register_task_source(source)  # My work: shares received to acknowledge
