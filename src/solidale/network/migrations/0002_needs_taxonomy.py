from django.db import migrations

# The needs taxonomy of DOMAIN.md, as data (coordinators may add or retire areas).
TAXONOMY = [
    ("housing", "Casa e abitare"),
    ("income", "Reddito e debiti"),
    ("work", "Lavoro"),
    ("food", "Alimentazione"),
    ("health", "Salute"),
    ("disability", "Disabilità e non autosufficienza"),
    ("family", "Famiglia e minori"),
    ("loneliness", "Solitudine e relazioni"),
    ("addictions", "Dipendenze"),
    ("justice", "Giustizia"),
    ("documents", "Documenti e residenza"),
    ("education", "Istruzione e formazione"),
    ("violence", "Violenza"),
    ("homelessness", "Senza dimora e freddo"),
    ("digital", "Accesso digitale"),
]


def load(apps, schema_editor):
    NeedCategory = apps.get_model("network", "NeedCategory")
    for order, (code, name) in enumerate(TAXONOMY, start=1):
        NeedCategory.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("network", "0001_need_categories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
