from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fordela.jobs"
    verbose_name = "Bakgrundsjobb"
