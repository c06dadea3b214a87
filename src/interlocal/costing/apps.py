from django.apps import AppConfig


class CostingConfig(AppConfig):
    name = "interlocal.costing"
    label = "costing"
    verbose_name = "Costing"
