"""An uploaded register, kept from preview to import so the import is exactly what was previewed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from openpmo.common.models import Versioned
from openpmo.exchange.choices import BatchStatus


class ImportBatch(Versioned):
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREVIEWED
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Register import {self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:import-preview", args=[self.pk])
