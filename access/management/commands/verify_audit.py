"""Check the whole audit chain; name the first event that was altered, removed or reordered."""

from django.core.management.base import BaseCommand, CommandError

from access.audit import first_broken_event
from access.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the tamper-evident audit chain and name the first broken event, if any."

    def handle(self, *args, **options) -> None:
        broken = first_broken_event()
        if broken is not None:
            event, why = broken
            raise CommandError(
                f"Audit chain broken at event {event.pk} ({event.occurred_at:%Y-%m-%d %H:%M:%S} "
                f"{event.actor_username or 'system'} {event.action} {event.object_type} {event.object_id}): {why}."
            )
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
