"""The SIUSS provision codes of DOMAIN.md and the life domains of the assessment, as data.

The SIUSS rows are known examples to confirm against the official INPS table: each row
says so in its ``note``; the table is data, so the official one replaces them row by row.
"""

from django.db import migrations

TO_CONFIRM = "(da verificare sulla tabella ufficiale)"

#: code, name, economic, usual character
SIUSS_CODES = [
    ("A1.04", "Contributi economici a integrazione del reddito familiare", True, "periodic"),
    ("A1.05", "Contributi economici per alloggio", True, "periodic"),
    ("A1.06", "Buoni spesa o buoni pasto", True, "one_off"),
    ("A2.01", "Mensa sociale", False, "periodic"),
    ("A2.05", "Riduzioni e agevolazioni su utenze", True, "periodic"),
    ("A2.07", "Assistenza domiciliare socio-assistenziale", False, "periodic"),
    ("A3.01", "Strutture semiresidenziali", False, "periodic"),
    ("A3.02", "Strutture residenziali", False, "periodic"),
    ("Z9.99", "Altro", False, "one_off"),
]

LIFE_DOMAINS = [
    ("housing", "Abitazione"),
    ("income", "Reddito e debiti"),
    ("work", "Lavoro"),
    ("health", "Salute"),
    ("relations", "Relazioni e rete sociale"),
    ("autonomy", "Autonomia personale"),
    ("education", "Istruzione e formazione"),
    ("family_care", "Cura dei figli e dei familiari"),
]


def load(apps, schema_editor):
    InterventionType = apps.get_model("cases", "InterventionType")
    LifeDomain = apps.get_model("cases", "LifeDomain")
    for code, name, economic, character in SIUSS_CODES:
        InterventionType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "is_economic": economic,
                "default_character": character,
                "note": TO_CONFIRM,
            },
        )
    for order, (code, name) in enumerate(LIFE_DOMAINS, start=1):
        LifeDomain.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_records")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
