from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "interlocal.billing"
    label = "billing"
    verbose_name = "Chargeback billing"
