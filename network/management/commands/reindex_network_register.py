"""Rebuild the partnership register's blind index (network.identifiers) for every person and place: needed
after HOMEWARD_REGISTER_KEY (or SECRET_KEY, when it is unset) changes."""

from django.core.management.base import BaseCommand
from django.db import transaction

from network.actions import index_person, index_place
from network.models import PersonOfConcern, Place


class Command(BaseCommand):
    help = "Rebuild the partnership register's index of phone numbers, registrations, names and addresses."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            persons = places = 0
            for person in PersonOfConcern.objects.filter(merged_into__isnull=True).iterator(chunk_size=2000):
                index_person(person)
                persons += 1
            for place in Place.objects.filter(merged_into__isnull=True).iterator(chunk_size=2000):
                index_place(place)
                places += 1
        self.stdout.write(f"Indexed {persons} persons and {places} places.")
