from django.urls import path

from offres.views import OffreList

urlpatterns = [
    path("api/offres/", OffreList.as_view(), name="offres-list"),
]
