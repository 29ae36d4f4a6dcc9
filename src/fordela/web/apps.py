from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fordela.web"
    verbose_name = "Webb"

    def ready(self) -> None:
        # The reports and the money formats know no Django: they follow the active language
        # through these hooks (Swedish by default, English when the person chose it).
        from django.utils import translation

        from fordela.engine import money
        from fordela.reports import i18n

        i18n.use_gettext(translation.gettext)
        money.use_number_style(
            lambda: money.ENGLISH if (translation.get_language() or "sv").startswith("en") else money.SWEDISH
        )
