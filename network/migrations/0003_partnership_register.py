"""The partnership register: an approximate year of birth on a person, and the blind index of exact
identifiers (`RegisterIdentifier`), filled in here for the persons and places already recorded."""

import django.db.models.deletion
from django.db import migrations, models

from network.identifiers import person_identifiers, place_identifiers


def index_existing(apps, schema_editor):
    PersonOfConcern = apps.get_model("network", "PersonOfConcern")
    Place = apps.get_model("network", "Place")
    RegisterIdentifier = apps.get_model("network", "RegisterIdentifier")
    rows = []
    for person in PersonOfConcern.objects.iterator(chunk_size=2000):
        for kind, digest in person_identifiers(
            person.display_name, person.aliases, person.vehicles, person.phone_numbers
        ):
            rows.append(RegisterIdentifier(person_id=person.pk, kind=kind, digest=digest))
    for place in Place.objects.iterator(chunk_size=2000):
        for kind, digest in place_identifiers(place.address):
            rows.append(RegisterIdentifier(place_id=place.pk, kind=kind, digest=digest))
    RegisterIdentifier.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_link_relationship"),
    ]

    operations = [
        migrations.AddField(
            model_name="personofconcern",
            name="born_about",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="The year the person was born, about: from an approximate age", null=True
            ),
        ),
        migrations.CreateModel(
            name="RegisterIdentifier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("phone", "Phone number"),
                            ("vehicle", "Vehicle registration"),
                            ("name", "Name or alias"),
                            ("address", "Address"),
                        ],
                        max_length=10,
                    ),
                ),
                ("digest", models.CharField(max_length=64)),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="identifiers",
                        to="network.personofconcern",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="identifiers",
                        to="network.place",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["kind", "digest"], name="network_reg_kind_bae5ba_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("person__isnull", False), ("place__isnull", True))
                        | models.Q(("person__isnull", True), ("place__isnull", False)),
                        name="register_identifier_of_one_record",
                    )
                ],
            },
        ),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
