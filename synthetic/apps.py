from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "synthetic"
