from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "cairn.earning"
    label = "earning"
