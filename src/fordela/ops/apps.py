from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "fordela.ops"
    verbose_name = "Drift"

    def ready(self) -> None:
        from fordela.ops import preflight  # noqa: F401  (registers the deploy checks)
