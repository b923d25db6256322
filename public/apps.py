from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public pages, the quick exit, and concerns from the public into the MASH queue"

    def ready(self) -> None:
        from core import navigation
        from public.navigation import navigation_items

        navigation.register(self.label, order=45, items=navigation_items)
        from children import hooks

        hooks.register_merge_mover(
            self.label, hooks.repointing_mover({"public.Concern.child": "concerns from the public"})
        )
