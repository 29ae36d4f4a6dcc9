"""Keeping the catalogue and the drivers in the web, and uploading an edited workbook; under c/<cycle>/."""

from django.urls import path

from fordela.web.views import catalogue_edit, drivers, upload

urlpatterns = [
    path("katalog/", catalogue_edit.catalogue_admin, name="catalogue_admin"),
    path("katalog/ladda-upp/", upload.catalogue_upload, name="catalogue_upload"),
    path("katalog/tjanster/<slug:service>/", catalogue_edit.service_edit, name="service_edit"),
    path("katalog/drivare/<slug:driver>/", drivers.driver_edit, name="driver_edit"),
    path("katalog/nycklar/<slug:key>/", drivers.key_edit, name="key_edit"),
    path("katalog/organisationer/<slug:organisation>/", drivers.organisation_edit, name="organisation_edit"),
    path("katalog/andringar/<int:pk>/", catalogue_edit.change_revert, name="change_revert"),
]
