from django.core.management.base import BaseCommand

from openpmo.demo.load import load_etp


class Command(BaseCommand):
    help = "Load the Enabling Technology Programme demo data (idempotent) and print the sign-in details."

    def handle(self, *args: object, **options: object) -> None:
        report = load_etp()
        if report.created:
            made = ", ".join(f"{kind} {count}" for kind, count in report.created.items())
            self.stdout.write(f"ETP demo data loaded: {made}.")
        else:
            self.stdout.write("ETP demo data already loaded: nothing to add.")
        self.stdout.write(
            "\nDemo sign-in details (demo data only; kept in var/demo-credentials.json):"
        )
        width = max(len(username) for username, _, _ in report.credentials)
        for username, password, roles in report.credentials:
            self.stdout.write(f"  {username:<{width}}  {password:<18}  {roles}")
        self.stdout.write("")
