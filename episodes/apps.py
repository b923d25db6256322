from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self) -> None:
        from core import navigation
        from core.tags import register_coded_tags
        from episodes.codes import RISK_TAG_CLASSES, RiskGrade
        from episodes.navigation import navigation_items

        navigation.register(self.label, order=20, items=navigation_items)
        register_coded_tags("risk_grade", RiskGrade, RISK_TAG_CLASSES)
