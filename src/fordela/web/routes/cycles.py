"""Across cycles: a service's cost and an organisation's bill in every cycle; the next year's cycle."""

from django.urls import path

from fordela.web.views import account, cycles

urlpatterns = [
    path("over-tid/tjanst/<slug:service>/", cycles.service_across_view, name="service_across"),
    path("over-tid/organisation/<slug:organisation>/", cycles.organisation_across_view, name="organisation_across"),
    path("c/<slug:cycle>/nasta-ar/", cycles.cycle_next_view, name="cycle_next"),
    path("c/<slug:cycle>/beslut/", cycles.stage_decide_view, name="stage_decide"),
    path("konto/aviseringar/", account.notifications, name="notifications"),
]
