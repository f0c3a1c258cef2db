"""The goods a street unit hands out, counted per encounter (editable in the admin)."""

from django.db import migrations

GOODS = (
    (10, "Bevanda calda", "pz"),
    (20, "Pasto caldo", "pz"),
    (30, "Coperta", "pz"),
    (40, "Sacco a pelo", "pz"),
    (50, "Indumenti termici", "capi"),
)


def add_goods(apps, schema_editor):
    OutreachGood = apps.get_model("shelter", "OutreachGood")
    for order, name, unit in GOODS:
        OutreachGood.objects.get_or_create(name=name, defaults={"unit": unit, "order": order})


class Migration(migrations.Migration):
    dependencies = [("shelter", "0001_plan_beds_outreach")]
    operations = [migrations.RunPython(add_goods, migrations.RunPython.noop)]
