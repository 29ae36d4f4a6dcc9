from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "fordela.consultation"
    verbose_name = "Samråd"
