from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics: the dashboard, its roll-ups and the data quality list"

    def ready(self) -> None:
        from analytics.navigation import navigation_items
        from core import navigation

        navigation.register(self.label, order=40, items=navigation_items)
