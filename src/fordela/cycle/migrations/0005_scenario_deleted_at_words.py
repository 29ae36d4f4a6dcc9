from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cycle", "0004_analysis_texts")]

    operations = [
        migrations.AddField(model_name="scenario", name="deleted_at", field=models.DateTimeField(blank=True, null=True)),
    ]
