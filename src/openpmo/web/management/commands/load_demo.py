import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from openpmo.demo.load import load_etp


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r}: give a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Load the Enabling Technology Programme demo data (idempotent), placed on a timeline "
        "through today (or --as-of), and print the sign-in details."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="Load the demo as at this date (YYYY-MM-DD) instead of today: the same date "
            "gives the same state, for tests and screenshots.",
        )

    def handle(self, *args: object, **options: object) -> None:
        as_of = options.get("as_of")
        report = load_etp(as_of=as_of)  # type: ignore[arg-type]
        if report.created:
            made = ", ".join(f"{kind} {count}" for kind, count in report.created.items())
            self.stdout.write(f"ETP demo data loaded as at {report.as_of:%d %B %Y}: {made}.")
        else:
            self.stdout.write(
                f"ETP demo data already loaded (as at {report.as_of:%d %B %Y}): nothing to add."
            )
        if as_of is not None and report.as_of != as_of:
            self.stdout.write(
                f"This database holds the demo as at {report.as_of:%d %B %Y}; to load it as at "
                f"{as_of:%d %B %Y}, start from an empty database (make clean)."
            )
        self.stdout.write(
            "\nDemo sign-ins (demo data only; passwords kept in var/demo-credentials.json):"
        )
        width = max(len(username) for username, *_ in report.credentials)
        for username, password, roles, try_first in report.credentials:
            self.stdout.write(f"  {username:<{width}}  {password:<18}  {roles}")
            self.stdout.write(f"  {'':<{width}}  try: {try_first}")
        self.stdout.write("")
