from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .models import Offre
from .serializers import OffreSerializer


class Page(CursorPagination):
    """20 a page, newest first, with `count` as our answer carries it."""

    page_size = 20
    ordering = "-date_publication"

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


class OffreList(generics.ListAPIView):
    """Validated, open offers: public (the JWT is read if one is sent)."""

    queryset = Offre.objects.filter(statut_validation="validee", statut="active")
    serializer_class = OffreSerializer
    pagination_class = Page
    permission_classes = [AllowAny]
