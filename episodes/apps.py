from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self) -> None:
        from children import hooks as child_pages
        from core import navigation
        from core.inbox import register_task_source
        from core.tags import register_coded_tags
        from episodes.actions import child_merge_problems, move_for_merge
        from episodes.child_pages import REPORT_MISSING, chronology_entries, police_reference_match
        from episodes.codes import RISK_TAG_CLASSES, RiskGrade
        from episodes.navigation import navigation_items
        from episodes.work import SOURCES as TASK_SOURCES

        navigation.register(self.label, order=20, items=navigation_items)
        register_coded_tags("risk_grade", RiskGrade, RISK_TAG_CLASSES)
        child_pages.register_search_match(self.label, police_reference_match)
        child_pages.register_chronology(self.label, chronology_entries)
        child_pages.register_report_missing(REPORT_MISSING)
        child_pages.register_merge_mover(
            self.label,
            child_pages.MergeMover(
                fields=("episodes.MissingEpisode.child", "episodes.EpisodeFoundWith.other_child"),
                check=child_merge_problems,
                move=move_for_merge,
            ),
        )
        for source in TASK_SOURCES:
            register_task_source(source)  # My work: children missing now, newly repeat missing
