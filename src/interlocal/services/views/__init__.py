"""Pages of the services app, by topic: catalog, subscriptions, usage and the public catalog."""

from interlocal.services.views.catalog import (
    service_create,
    service_detail,
    service_edit,
    service_list,
    services_card,
)
from interlocal.services.views.public import public_catalog
from interlocal.services.views.subscriptions import (
    member_subscriptions,
    my_subscriptions,
    service_subscriptions,
    subscription_change,
    subscription_create,
    subscription_detail,
)
from interlocal.services.views.usage import usage_create, usage_list, usage_template, usage_upload

__all__ = [
    "member_subscriptions",
    "my_subscriptions",
    "public_catalog",
    "service_create",
    "service_detail",
    "service_edit",
    "service_list",
    "service_subscriptions",
    "services_card",
    "subscription_change",
    "subscription_create",
    "subscription_detail",
    "usage_create",
    "usage_list",
    "usage_template",
    "usage_upload",
]
