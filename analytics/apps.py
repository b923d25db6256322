from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics: the dashboard, its roll-ups and the data quality list"

    def ready(self) -> None:
        from analytics import rollups
        from analytics.navigation import navigation_items
        from children import changes
        from core import navigation

        changes.subscribe(
            "dashboard roll-ups", rollups.refresh_child, when="in_transaction", many=rollups.refresh_children
        )
        navigation.register(self.label, order=40, items=navigation_items)
