from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Statutory returns"

    def ready(self) -> None:
        from children import hooks
        from core import navigation
        from returns.actions import child_merge_problems
        from returns.navigation import navigation_items

        navigation.register(self.label, order=42, items=navigation_items)
        hooks.register_merge_mover(
            self.label,
            hooks.repointing_mover({"returns.CareEpisode.child": "periods of care"}, check=child_merge_problems),
        )
