"""The built-in marketing channels (names translate through campaigns.choices)."""

from django.db import migrations

CHANNELS = {
    "email": ("E-mail", "#206bc4"),
    "social": ("Social media", "#ae3ec9"),
    "paid_search": ("Paid search", "#f76707"),
    "display": ("Display advertising", "#d63939"),
    "events": ("Events", "#2fb344"),
    "pr": ("PR", "#4299e1"),
    "content": ("Content", "#17a2b8"),
    "web": ("Website", "#667382"),
    "print": ("Print", "#a55eea"),
    "partners": ("Partners", "#f59f00"),
}


def add_channels(apps, schema_editor):
    Channel = apps.get_model("campaigns", "Channel")
    for code, (name, color) in CHANNELS.items():
        Channel.objects.get_or_create(code=code, defaults={"name": name, "color": color})


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(add_channels, migrations.RunPython.noop)]
