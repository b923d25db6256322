"""`manage.py check_rollups`: compare the dashboard's roll-ups with a full recount; exit 1 on any difference."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rollups import differences


class Command(BaseCommand):
    help = "Recount every roll-up from the case records and report any difference from what is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--show", type=int, default=20, help="How many differences to list (default 20)")

    def handle(self, *args, **options) -> None:
        found = differences()
        if not found:
            self.stdout.write(self.style.SUCCESS("The roll-ups equal a full recount of the case records."))
            return
        for difference in found[: options["show"]]:
            self.stdout.write(str(difference))
        if len(found) > options["show"]:
            self.stdout.write(f"… and {len(found) - options['show']:,} more.")
        raise CommandError(
            f"{len(found):,} difference{'' if len(found) == 1 else 's'} between the roll-ups and a recount. "
            "Run `manage.py rebuild_rollups` to repair them, and find out what wrote records without the actions."
        )
