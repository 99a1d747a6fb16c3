"""What the other apps show on a work package's own page, each registered by that app.

The register sits below the apps that fill the page (finance shows whether more was spent than
released, say), so portfolio imports none of them: each registers in its ``AppConfig.ready()``
a panel (rendered in the order registered, the order of ``INSTALLED_APPS``) or a link to its own
page about the work package (listed under "More about this work package", by ``order``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from openpmo.portfolio.models import WorkPackage


@dataclass(frozen=True)
class WorkPackagePanel:
    key: str
    template: str
    """Rendered with ``work_package`` and what ``context`` returns."""
    context: Callable[[WorkPackage], dict[str, Any]]


_panels: dict[str, WorkPackagePanel] = {}


def work_package_panel_register(panel: WorkPackagePanel) -> None:
    _panels[panel.key] = panel


def work_package_panels(request: HttpRequest, work_package: WorkPackage) -> list[SafeString]:
    """Every registered panel rendered for ``work_package``."""
    return [
        render_to_string(
            panel.template,
            {"work_package": work_package, **panel.context(work_package)},
            request=request,
        )
        for panel in _panels.values()
    ]


@dataclass(frozen=True)
class WorkPackageLink:
    label: str
    url_name: str
    """A URL name taking the work package's id."""
    order: int


_links: dict[str, WorkPackageLink] = {}


def work_package_link_register(link: WorkPackageLink) -> None:
    _links[link.url_name] = link


def work_package_links(work_package: WorkPackage) -> list[tuple[str, str]]:
    """(label, address) of every registered page about ``work_package``, in their order."""
    ordered = sorted(_links.values(), key=lambda link: link.order)
    return [(link.label, reverse(link.url_name, args=[work_package.pk])) for link in ordered]
