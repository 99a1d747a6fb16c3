from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

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


def service(request: HttpRequest) -> dict[str, object]:
    """The service name and the navigation shown in the GOV.UK header of every page."""
    return {"service_name": "OpenPMO", "service_navigation": _navigation(request.path)}
