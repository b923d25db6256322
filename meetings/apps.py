from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Multi-agency meetings and their actions"

    def ready(self) -> None:
        from children import hooks as child_pages
        from core import navigation
        from core.inbox import register_task_source
        from meetings.pages_elsewhere import alert_links, call_meeting_link, chronology_entries, navigation_items
        from meetings.work import SOURCES as TASK_SOURCES
        from risk import hooks as risk_pages

        navigation.register(self.label, order=38, items=navigation_items)
        for source in TASK_SOURCES:
            register_task_source(source)  # My work: meeting actions
        child_pages.register_chronology(self.label, chronology_entries)
        risk_pages.register_alert_link(self.label, alert_links)
        child_pages.register_record_link(self.label, call_meeting_link)
        from meetings.actions import child_merge_problems

        child_pages.register_merge_mover(
            self.label,
            child_pages.repointing_mover(
                {"meetings.MeetingChild.child": "meetings", "meetings.MeetingAction.child": "meeting actions"},
                check=child_merge_problems,
            ),
        )
