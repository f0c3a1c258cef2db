from django.db import migrations

# The categories of the issue, as data: code (the Open311 service_code), name, sensitive,
# the needs-taxonomy area of the desk access a sensitive report becomes, description.
CATEGORIES = [
    ("degrado-urbano", "Degrado urbano", False, "", "Rifiuti abbandonati, scritte, arredo rotto."),
    ("luogo-abbandonato", "Luogo abbandonato", False, "", "Edifici o aree abbandonate e insicure."),
    ("illuminazione", "Illuminazione pubblica", False, "", "Lampioni spenti o guasti."),
    ("barriere-architettoniche", "Barriere architettoniche", False, "", "Ostacoli per chi si muove con difficoltà."),
    ("conflitto-vicinato", "Conflitto di vicinato", False, "", "Tensioni tra vicini che chiedono una mediazione."),
    ("persona-in-strada", "Persona che dorme in strada", True, "homelessness", "Qualcuno dorme all'aperto."),
    ("anziano-solo", "Anziano che vive solo", True, "loneliness", "Una persona anziana sola che forse ha bisogno di aiuto."),
    ("persona-in-difficolta", "Persona in difficoltà", True, "health", "Qualcuno in difficoltà che non sa a chi rivolgersi."),
]  # fmt: skip


def load(apps, schema_editor):
    ReportCategory = apps.get_model("neighbourhoods", "ReportCategory")
    for order, (code, name, sensitive, need, description) in enumerate(CATEGORIES, start=1):
        ReportCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "is_sensitive": sensitive,
                "need_code": need,
                "description": description,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("neighbourhoods", "0001_reports_presidi_events")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
