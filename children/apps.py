from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"

    def ready(self) -> None:
        from children.navigation import navigation_items
        from core import navigation

        navigation.register(self.label, order=10, items=navigation_items)

        from children import hooks
        from children.actions import placement_mover

        hooks.register_merge_mover(self.label, placement_mover())

        from children.selectors import placement_section
        from core import sections

        sections.register(
            "child:placement",
            self.label,
            order=10,
            template="children/_placement_section.html",
            context=placement_section,
        )
