from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from openpmo.portfolio.selectors import programme_in_scope, programme_list

# (label, URL name, path prefixes that mark it current). A section whose app has no "home" page
# yet is left out, so the menu never links to a page that does not exist.
_SECTIONS = [
    ("Dashboard", "web:home", ("/programmes/",)),
    ("Pillars", "portfolio:pillar-list", ("/pillars/", "/strands/")),
    ("Work packages", "portfolio:work-package-list", ("/work-packages/",)),
    ("Gates", "gates:home", ("/gates/",)),
    ("Finance", "finance:home", ("/finance/",)),
    ("Benefits", "benefits:home", ("/benefits/",)),
    ("Schedule", "delivery:home", ("/delivery/",)),
    ("Resources", "resources:home", ("/resources/",)),
    ("Risks", "risks:home", ("/risks/",)),
    ("Planning", "planning:home", ("/planning/",)),
    ("Reports", "reports:home", ("/reports/",)),
]


def _navigation(path: str) -> list[dict[str, object]]:
    items = []
    for text, url_name, prefixes in _SECTIONS:
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue
        active = path == href or any(path.startswith(prefix) for prefix in prefixes)
        items.append({"text": text, "href": href, "active": active})
    return items


def _programme_scope(request: HttpRequest) -> dict[str, object]:
    """The programme the pages are about (the one rule of ``programme_in_scope``) and, when
    there is more than one, the programmes to switch to."""
    programmes = list(programme_list().order_by("name", "pk"))
    try:
        current = programme_in_scope(request, among=programmes)
    except Http404:
        current = None
    return {"current": current, "choices": programmes if len(programmes) > 1 else []}


def service(request: HttpRequest) -> dict[str, object]:
    """The service name, the navigation and the programme in scope shown in the GOV.UK header
    of every page."""
    context: dict[str, object] = {
        "service_name": "OpenPMO",
        "service_navigation": _navigation(request.path),
    }
    if getattr(getattr(request, "user", None), "is_authenticated", False):
        context["programme_scope"] = _programme_scope(request)
    return context
