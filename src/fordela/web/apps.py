from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fordela.web"
    verbose_name = "Webb"
