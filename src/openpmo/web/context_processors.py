from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """The service name and the navigation shown in the GOV.UK header of every page."""
    path = request.path
    navigation = [
        ("Dashboard", "/", path == "/" or path.startswith("/programmes/")),
        ("Pillars", "/pillars/", path.startswith("/pillars/") or path.startswith("/strands/")),
        ("Work packages", "/work-packages/", path.startswith("/work-packages/")),
        ("Audit", "/audit/", path.startswith("/audit/")),
        ("API", "/api/docs/", path.startswith("/api/")),
    ]
    return {
        "service_name": "OpenPMO",
        "service_navigation": [
            {"text": text, "href": href, "active": active} for text, href, active in navigation
        ],
    }
