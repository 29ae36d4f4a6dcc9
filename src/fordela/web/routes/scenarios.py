"""Scenarios, their comparison, and the bridge / lists / frames page; included under c/<cycle>/."""

from django.urls import path

from fordela.web.views import bridge
from fordela.web.views import scenarios as views

urlpatterns = [
    path("scenarier/", views.scenarios, name="scenarios"),
    path("scenarier/<slug:scenario>/", views.scenario, name="scenario"),
    path("scenarier/<slug:scenario>/ta-bort/", views.scenario_delete, name="scenario_delete"),
    path("scenarier/<slug:scenario>/aterstall/", views.scenario_restore, name="scenario_restore"),
    path("jamfor-scenarier/", views.scenario_compare, name="scenario_compare"),
    path("brygga/", bridge.bridge, name="bridge"),
    path("brygga/export/", bridge.bridge_export, name="bridge_export"),
]
