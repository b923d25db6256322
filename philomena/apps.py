from django.apps import AppConfig


class PhilomenaConfig(AppConfig):
    name = "philomena"
    verbose_name = "Philomena profiles: the grab-pack police use when a child in care goes missing"

    def ready(self) -> None:
        from philomena import checks  # noqa: F401 (registers the settings check)
