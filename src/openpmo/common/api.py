"""The REST API's write path, shared by every app: a serializer that carries the version the
client read, and the viewset step that validates an update and hands it to a service (which
checks permission, refuses a stale version with 409, validates and audits)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response


class VersionedSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """``version`` is returned; send it back on update to refuse a stale edit (409)."""

    version = serializers.IntegerField(
        required=False, help_text="The version you read; a mismatch is refused"
    )

    def service_data(self) -> dict[str, Any]:
        """The validated fields for the service, without ``version`` (passed on its own)."""
        return {k: v for k, v in self.validated_data.items() if k != "version"}


def validated_update(
    view: Any, request: Request, kwargs: dict[str, Any], *, partial: bool | None = None
) -> tuple[Any, Any]:
    """The record a PUT or PATCH names and its serializer, validated (a 400 if not); a PUT is
    partial too when ``partial`` says so."""
    given = kwargs.pop("partial", False)
    partial = given if partial is None else partial
    instance = view.get_object()
    serializer = view.get_serializer(instance, data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return instance, serializer


class ServiceUpdateMixin:
    """PUT and PATCH call ``update_with`` (the app's service) with the validated fields and the
    version the client read, and answer with the record as it now is."""

    def update_with(
        self, actor: Any, instance: Any, version: int | None, data: dict[str, Any]
    ) -> Any:
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance, serializer = validated_update(self, request, kwargs)
        version = serializer.validated_data.get("version")
        updated = self.update_with(request.user, instance, version, serializer.service_data())
        return Response(self.get_serializer(updated).data)  # type: ignore[attr-defined]
