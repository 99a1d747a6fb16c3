from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from openpmo.audit import words

register = template.Library()


@register.filter
def history_url(obj: models.Model) -> str:
    """The URL of the history page of ``obj``."""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("audit:history", args=[content_type.app_label, content_type.model, obj.pk])


@register.filter
def history_records(obj: models.Model):  # type: ignore[no-untyped-def]
    """The audit records of ``obj``, newest first."""
    from openpmo.audit.selectors import audit_history_for

    return audit_history_for(obj)


@register.simple_tag
def in_words(records):  # type: ignore[no-untyped-def]
    """Audit records as titled entries with their changes in words (see ``audit.words``)."""
    return words.describe(records)
