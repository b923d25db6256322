"""What a person is to the child on each link (adult of concern, peer, family member or carer not of concern).

Existing links take the person's kind: links to a peer become peer links, every other link an adult of concern.
"""

from django.db import migrations, models


def from_person_kind(apps, schema_editor):
    ChildPersonLink = apps.get_model("network", "ChildPersonLink")
    ChildPersonLink.objects.filter(person__kind="peer").update(relationship="peer")


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="childpersonlink",
            name="relationship",
            field=models.CharField(
                choices=[
                    ("adult_of_concern", "Adult of concern"),
                    ("peer", "Peer (another young person)"),
                    ("family_carer", "Family member or carer, not of concern"),
                ],
                default="adult_of_concern",
                help_text=(
                    "What the person is to the child: a family member or carer not of concern adds nothing to rankings"
                ),
                max_length=20,
            ),
        ),
        migrations.RunPython(from_person_kind, migrations.RunPython.noop),
    ]
