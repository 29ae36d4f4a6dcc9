from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fordela.accounts"
    verbose_name = "Konton"

    def ready(self) -> None:
        from fordela.accounts import signals  # noqa: F401  (connects the login audit)
