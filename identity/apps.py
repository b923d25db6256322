from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Identity: single sign-on and administration of accounts"

    def ready(self) -> None:
        from core import navigation
        from core.scheduling import DailyJob, register_daily_job
        from identity.navigation import navigation_items
        from identity.tasks import check_identity_provider, provider_check_due

        navigation.register(self.label, order=90, items=navigation_items)
        register_daily_job(DailyJob("the identity provider check", check_identity_provider, provider_check_due))
