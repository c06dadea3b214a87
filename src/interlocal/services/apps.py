from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "interlocal.services"
    label = "services"
    verbose_name = "Shared services"
