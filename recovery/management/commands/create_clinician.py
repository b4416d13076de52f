from django.core.management.base import BaseCommand, CommandError

from lib.exceptions import DomainError
from recovery.services import clinician_create_or_update


class Command(BaseCommand):
    help = "Create a clinician (and the care team if it does not exist), or add a team to one."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--team", required=True, help="care team name")
        parser.add_argument("--name", default="", help="full name")

    def handle(self, *args, email, password, team, name, **options):
        try:
            user = clinician_create_or_update(
                email=email, password=password, team_name=team, full_name=name
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"clinician {user.email} is on team '{team}'")
