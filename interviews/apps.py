from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self) -> None:
        from children import hooks as child_pages
        from core.inbox import register_task_source
        from core.tags import register_coded_tags
        from episodes import hooks as episode_pages
        from episodes.signals import episode_returned
        from interviews.child_pages import chronology_entries, covering_interviews
        from interviews.codes import INTERVIEW_STATUS_TAG_CLASSES
        from interviews.models import InterviewStatus
        from interviews.receivers import open_interview_on_return
        from interviews.work import SOURCES as TASK_SOURCES

        register_coded_tags("interview_status", InterviewStatus, INTERVIEW_STATUS_TAG_CLASSES)
        episode_returned.connect(open_interview_on_return, dispatch_uid="interviews.open_interview_on_return")
        child_pages.register_chronology(self.label, chronology_entries)
        episode_pages.register_covering_interviews(covering_interviews)
        child_pages.register_merge_mover(
            self.label, child_pages.repointing_mover({"interviews.ReturnInterview.child": "return interviews"})
        )
        for source in TASK_SOURCES:
            register_task_source(source)  # My work's interviews to offer and to record
