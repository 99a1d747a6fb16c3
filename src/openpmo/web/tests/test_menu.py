"""The top menu: the same sections, in the same order, for every role; the current one marked."""

from __future__ import annotations

import re

import pytest

from openpmo.accounts.roles import Role

MENU = [
    ("Dashboard", "/"),
    ("Pillars", "/pillars/"),
    ("Work packages", "/work-packages/"),
    ("Gates", "/gates/"),
    ("Finance", "/finance/"),
    ("Benefits", "/benefits/"),
    ("Schedule", "/delivery/"),
    ("Resources", "/resources/"),
    ("Risks", "/risks/"),
    ("Planning", "/planning/"),
    ("Reports", "/reports/"),
]

_LINK = re.compile(
    r'<a class="govuk-service-navigation__link" href="([^"]*)"( aria-current="true")?>'
    r"(?:<strong[^>]*>)?([^<]*)"
)


def _menu(html: str) -> list[tuple[str, str, bool]]:
    return [(text, href, bool(current)) for href, current, text in _LINK.findall(html)]


@pytest.mark.parametrize("role", list(Role), ids=[role.name for role in Role])
def test_every_role_sees_the_same_menu_in_the_same_order(client, role_user, role):
    client.force_login(role_user(role))
    page = client.get("/pillars/")
    assert page.status_code == 200
    menu = _menu(page.content.decode())
    assert [(text, href) for text, href, _ in menu] == MENU
    # and only the section of the page shown is marked current
    assert [text for text, _, current in menu if current] == ["Pillars"]


def test_the_dashboard_and_the_reports_page_mark_their_own_section(client, role_user):
    client.force_login(role_user(Role.PMO))
    menu = _menu(client.get("/").content.decode())
    assert [text for text, _, current in menu if current] == ["Dashboard"]
    menu = _menu(client.get("/reports/").content.decode())
    assert [text for text, _, current in menu if current] == ["Reports"]


def test_an_entry_whose_page_does_not_exist_fails_the_page(client, role_user, monkeypatch):
    from django.urls import NoReverseMatch

    from openpmo.common import menu

    # Given an app that registered a menu entry for a page it does not have
    monkeypatch.setattr(menu, "_entries", dict(menu._entries))
    menu.menu_entry_register(menu.MenuEntry(label="Lost", url_name="lost:home", order=5))
    client.force_login(role_user(Role.PMO))
    # then the page fails (and so does a test) instead of leaving the entry out
    with pytest.raises(NoReverseMatch):
        client.get("/pillars/")
