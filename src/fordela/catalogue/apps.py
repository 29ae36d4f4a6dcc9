from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "fordela.catalogue"
    verbose_name = "Tjänstekatalog"
