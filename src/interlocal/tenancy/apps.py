from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "interlocal.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
