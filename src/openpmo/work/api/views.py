"""``/api/my-work/``: the same list as the page, for the signed-in person."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.work import selectors


class MyWorkView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        items = selectors.my_work(request.user)
        return Response(
            {
                "count": len(items),
                "overdue": sum(1 for i in items if i.overdue),
                "results": [i.as_json() for i in items],
            }
        )
