from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "cairn.credentials"
    label = "credentials"
