"""The bookkeeping fields many records share, defined once: the version that refuses a stale
save, the flag on figures a source did not state, and who made a record and when.

Abstract: each model keeps its own table and columns. A model inheriting one lists these fields
first in ``_meta.fields``; nothing reads that order (audit snapshots are compared as dicts and
their changes listed in sorted order, report fingerprints sort their keys, forms and serializers
name their fields)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Versioned(models.Model):
    """Carries ``version``: 1 when made, one up on each save through a service, so an editor
    holding an older version is refused rather than overwriting (``common.services``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Illustrative(models.Model):
    """Carries ``is_illustrative``: the record holds figures the source does not state."""

    is_illustrative = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Created(models.Model):
    """Carries who made the record (none for demo data or a background job) and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
