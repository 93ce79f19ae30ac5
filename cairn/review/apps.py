from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "cairn.review"
    label = "review"
