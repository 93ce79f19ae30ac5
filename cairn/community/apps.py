from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "cairn.community"
    label = "community"
