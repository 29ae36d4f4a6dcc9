from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "fordela.history"
    verbose_name = "Historik"
