"""The pillars someone sponsors, as the people pages list and set them.

Pillars belong to portfolio, a layer above accounts, so accounts never imports them: portfolio
registers how to list pillars and how to make someone the sponsor of exactly some of them (in its
``AppConfig.ready()``), and the people pages and services call what it registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


@dataclass(frozen=True)
class Sponsorship:
    choices: Callable[[], QuerySet[Any]]
    """Every pillar someone could sponsor (the people form's choices)."""
    assign: Callable[[Any, Any, Iterable[Any]], None]
    """``assign(actor, user, pillars)``: make ``user`` the sponsor of exactly ``pillars``."""
    named: Callable[[Iterable[str]], Iterable[Any]]
    """The pillars with these names (single sign-on maps groups to pillar names)."""


_registered: list[Sponsorship] = []


def sponsorship_register(sponsorship: Sponsorship) -> None:
    _registered[:] = [sponsorship]


def sponsorship() -> Sponsorship:
    if not _registered:
        raise ImproperlyConfigured("No app registered pillar sponsorship (portfolio does).")
    return _registered[0]
