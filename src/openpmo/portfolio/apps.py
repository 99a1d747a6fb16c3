from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "openpmo.portfolio"
    label = "portfolio"
    verbose_name = "Programme register"

    def ready(self) -> None:
        from openpmo.accounts.sponsorship import Sponsorship, sponsorship_register
        from openpmo.common.menu import MenuEntry, menu_entry_register
        from openpmo.portfolio import permissions  # noqa: F401  (registers the rules)
        from openpmo.portfolio.models import Pillar
        from openpmo.portfolio.services import pillar_sponsorships_set

        sponsorship_register(
            Sponsorship(
                choices=lambda: Pillar.objects.select_related("programme", "sponsor"),
                assign=pillar_sponsorships_set,
                named=lambda names: Pillar.objects.filter(name__in=list(names)),
            )
        )
        # Its place in the top menu (by order).
        menu_entry_register(
            MenuEntry(
                label="Pillars",
                url_name="portfolio:pillar-list",
                order=20,
                prefixes=("/pillars/", "/strands/"),
            )
        )
        menu_entry_register(
            MenuEntry(
                label="Work packages",
                url_name="portfolio:work-package-list",
                order=30,
                prefixes=("/work-packages/",),
            )
        )
