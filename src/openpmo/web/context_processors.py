from django.http import Http404, HttpRequest

from openpmo.common.menu import menu_items
from openpmo.portfolio.selectors import programme_in_scope, programme_list


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
        "service_navigation": menu_items(request.path),
    }
    if getattr(getattr(request, "user", None), "is_authenticated", False):
        context["programme_scope"] = _programme_scope(request)
    return context
