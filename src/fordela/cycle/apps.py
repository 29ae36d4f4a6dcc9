from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "fordela.cycle"
    verbose_name = "Årscykel"
