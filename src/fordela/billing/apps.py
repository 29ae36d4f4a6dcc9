from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "fordela.billing"
    verbose_name = "Fakturering"

    def ready(self) -> None:
        # Every write to a cycle is checked against its live frozen invoicing periods.
        from fordela.billing.freezes import guard_frozen_periods
        from fordela.cycle.services import cycle_changed

        cycle_changed.connect(guard_frozen_periods, dispatch_uid="fordela.billing.guard_frozen_periods")
