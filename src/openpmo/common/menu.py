"""The sections of the top menu, each registered by its app.

Every app with a home page registers its entry in its ``AppConfig.ready()``; the web app's
context processor lists them by ``order`` on every page. An entry whose URL name does not exist
fails the page (``NoReverseMatch``) rather than vanishing from the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    """A URL name taking no arguments."""
    order: int
    prefixes: tuple[str, ...] = ()
    """Path prefixes of the pages under this section, which mark it current."""


_entries: dict[str, MenuEntry] = {}


def menu_entry_register(entry: MenuEntry) -> None:
    _entries[entry.url_name] = entry


def menu_items(path: str) -> list[dict[str, object]]:
    """Each registered section as ``{"text", "href", "active"}`` for the page at ``path``."""
    items = []
    for entry in sorted(_entries.values(), key=lambda entry: entry.order):
        href = reverse(entry.url_name)
        active = path == href or any(path.startswith(prefix) for prefix in entry.prefixes)
        items.append({"text": entry.label, "href": href, "active": active})
    return items
