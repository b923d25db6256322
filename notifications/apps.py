from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications: in Homeward, by e-mail and by text message"

    def ready(self) -> None:
        from core import navigation
        from core.scheduling import DailyJob, register_daily_job, register_sweep_job
        from episodes.signals import episode_reported, episode_returned
        from meetings.signals import action_added
        from notifications.navigation import navigation_items
        from notifications.receivers import notify_action_added, notify_found, notify_missing
        from notifications.tasks import send_daily_digests, sweep_notifications

        navigation.register(self.label, order=90, items=navigation_items)  # "Notifications (3)": the header count
        episode_reported.connect(notify_missing, dispatch_uid="notifications.notify_missing")
        episode_returned.connect(notify_found, dispatch_uid="notifications.notify_found")
        action_added.connect(notify_action_added, dispatch_uid="notifications.notify_action_added")
        register_sweep_job("the notifications sweep", sweep_notifications)
        register_daily_job(DailyJob("the coordinators' daily digest", send_daily_digests, lambda day: True))
