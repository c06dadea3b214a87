"""The service desk app (see docs/servicedesk.md and docs/architecture.md)."""

from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "interlocal.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"
