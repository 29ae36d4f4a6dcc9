"""Routes of one feature area; included under c/<cycle>/ by fordela.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
