from django.apps import AppConfig


class SrsConfig(AppConfig):
    name = "srs"
    verbose_name = "Spaced repetition"
