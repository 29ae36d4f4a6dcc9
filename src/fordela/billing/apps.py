from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "fordela.billing"
    verbose_name = "Fakturering"
