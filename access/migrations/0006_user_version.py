from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("access", "0005_mash_and_content_editor_roles")]

    operations = [migrations.AddField(model_name="user", name="version", field=models.PositiveIntegerField(default=1))]
