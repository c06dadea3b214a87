from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interlocal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from interlocal.accounts import receivers  # noqa: F401  (connects auth signal receivers)
