from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cairn.catalog"
    label = "catalog"
    verbose_name = "Catalog"
