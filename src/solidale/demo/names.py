"""Name pools for the demo city: the origins of Massa's residents, with realistic names.

Italian, Romanian, Colombian-Spanish (for Latin Americans), Nigerian and Chinese names
come from Faker's locale data; Ukrainian names from Faker's Cyrillic data, transliterated
as on Italian documents; Maghreb, Albanian and Senegalese names (which Faker lacks in
Latin script) from short lists written here. Everything is read once into tuples, so
picking a name is one ``random.choice``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from faker.providers.person.en_NG import Provider as NigerianNames
from faker.providers.person.es_CO import Provider as SpanishNames
from faker.providers.person.it_IT import Provider as ItalianNames
from faker.providers.person.ro_RO import Provider as RomanianNames
from faker.providers.person.uk_UA import Provider as UkrainianNames
from faker.providers.person.zh_CN import Provider as ChineseNames

MAGHREB_MALE = (
    "Mohamed", "Ahmed", "Youssef", "Hassan", "Rachid", "Abdelkader", "Mustapha", "Said",
    "Karim", "Omar", "Khalid", "Nabil", "Hamza", "Mehdi", "Aziz", "Brahim", "Abdellah",
    "Driss", "Jamal", "Tarek", "Anas", "Ayoub", "Imad", "Ilyas", "Bilal", "Samir",
    "Hicham", "Adil", "Fouad", "Yassine",
)  # fmt: skip
MAGHREB_FEMALE = (
    "Fatima", "Khadija", "Amina", "Naima", "Latifa", "Samira", "Malika", "Nadia", "Zineb",
    "Salma", "Hanane", "Souad", "Karima", "Meryem", "Ikram", "Loubna", "Rachida", "Siham",
    "Asmae", "Houda", "Imane", "Sanaa", "Yasmine", "Nour", "Hajar",
)  # fmt: skip
MOROCCAN_SURNAMES = (
    "El Amrani", "Benali", "Bennani", "El Idrissi", "Alaoui", "Tazi", "Berrada", "El Fassi",
    "Chraibi", "Ouazzani", "Lahlou", "Bouzid", "El Mansouri", "Haddad", "Boukhari",
    "Essaidi", "Ziani", "El Khatib", "Belkadi", "Amrani", "Moussaoui", "Kettani",
    "Laaroussi", "Zerouali", "Naciri", "Jabri", "El Ouardi", "Filali", "Sebti", "Ait Ali",
)  # fmt: skip
TUNISIAN_SURNAMES = (
    "Ben Salah", "Trabelsi", "Ben Ammar", "Jebali", "Gharbi", "Mejri", "Ayari", "Hammami",
    "Chaabane", "Khelifi", "Dridi", "Sassi", "Ben Youssef", "Mansouri", "Jlassi",
)  # fmt: skip
ALBANIAN_MALE = (
    "Arben", "Besnik", "Ilir", "Gentian", "Erion", "Fatos", "Agim", "Dritan", "Edmond",
    "Klodian", "Artan", "Bledar", "Ardit", "Elton", "Gazmend", "Luan", "Sokol", "Valon",
    "Blerim", "Endrit", "Kristian", "Ervis", "Flamur", "Andi", "Alban",
)  # fmt: skip
ALBANIAN_FEMALE = (
    "Anila", "Blerina", "Elona", "Mirela", "Jonida", "Valbona", "Arta", "Drita", "Fatjona",
    "Klodiana", "Lindita", "Manjola", "Rudina", "Teuta", "Vjollca", "Ermira", "Brikena",
    "Entela", "Eralda", "Xhensila", "Alketa", "Dorina", "Elira", "Ina", "Mimoza",
)  # fmt: skip
ALBANIAN_SURNAMES = (
    "Hoxha", "Shehu", "Gjoka", "Leka", "Krasniqi", "Berisha", "Dervishi", "Kola", "Marku",
    "Basha", "Çela", "Mema", "Kuka", "Prifti", "Dushku", "Mucaj", "Ndreu", "Xhafa", "Gashi",
    "Rama", "Halili", "Bajrami", "Shala", "Hysa", "Kapllani", "Mehmeti", "Brahimi", "Duka",
    "Lika", "Tafa",
)  # fmt: skip
SENEGALESE_MALE = (
    "Mamadou", "Cheikh", "Moussa", "Ibrahima", "Abdoulaye", "Ousmane", "Modou", "Babacar",
    "Serigne", "Pape", "Alioune", "Amadou", "Lamine", "Malick", "Souleymane", "Assane",
    "Mbaye", "Saliou", "Khadim", "Omar",
)  # fmt: skip
SENEGALESE_FEMALE = (
    "Fatou", "Aminata", "Awa", "Mariama", "Aissatou", "Khady", "Ndeye", "Coumba", "Astou",
    "Bineta", "Rokhaya", "Sokhna", "Adama", "Mame", "Dieynaba",
)  # fmt: skip
SENEGALESE_SURNAMES = (
    "Diop", "Ndiaye", "Fall", "Sow", "Sarr", "Gueye", "Diallo", "Faye", "Mbaye", "Seck", "Ba",
    "Cisse", "Diouf", "Thiam", "Niang", "Ka", "Sy", "Kane", "Mbengue", "Toure", "Sene",
    "Dieng", "Lo", "Wade", "Camara",
)  # fmt: skip
PAKISTANI_MALE = (
    "Muhammad", "Ali", "Imran", "Asif", "Bilal", "Usman", "Kamran", "Shahid", "Tariq",
    "Zubair", "Faisal", "Naveed", "Adnan", "Rizwan", "Waqas",
)  # fmt: skip
PAKISTANI_FEMALE = (
    "Ayesha", "Fatima", "Sana", "Hina", "Nadia", "Saima", "Rabia", "Mehwish", "Amna", "Zainab",
    "Shazia", "Uzma",
)  # fmt: skip
PAKISTANI_SURNAMES = (
    "Khan", "Ahmed", "Hussain", "Iqbal", "Malik", "Butt", "Chaudhry", "Raza", "Qureshi",
    "Sheikh", "Akhtar", "Javed", "Aslam", "Bashir", "Rehman",
)  # fmt: skip

#: Italian municipalities where Massa's Italian residents were born, with Belfiore codes.
ITALIAN_BIRTHPLACES: tuple[tuple[str, str, int], ...] = (
    # name, cadastral code, weight
    ("Massa", "F023", 60),
    ("Carrara", "B832", 8),
    ("Montignoso", "F679", 3),
    ("Aulla", "A496", 1),
    ("Pontremoli", "G870", 1),
    ("Fivizzano", "D629", 1),
    ("Pietrasanta", "G628", 2),
    ("Viareggio", "L833", 2),
    ("Lucca", "E715", 1),
    ("Pisa", "G702", 2),
    ("La Spezia", "E463", 2),
    ("Sarzana", "I449", 1),
    ("Firenze", "D612", 2),
    ("Genova", "D969", 1),
    ("Roma", "H501", 1),
    ("Milano", "F205", 1),
    ("Torino", "L219", 1),
    ("Napoli", "F839", 3),
    ("Salerno", "H703", 1),
    ("Bari", "A662", 1),
    ("Foggia", "D643", 1),
    ("Lecce", "E506", 1),
    ("Cosenza", "D086", 1),
    ("Reggio di Calabria", "H224", 2),
    ("Catania", "C351", 1),
    ("Palermo", "G273", 2),
    ("Cagliari", "B354", 1),
)

_CYRILLIC_LETTERS = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'’ʼ"  # noqa: RUF001 (Ukrainian on purpose)
_LATIN = (
    "a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
    "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "", "", "",
)  # fmt: skip
_CYRILLIC = dict(zip(_CYRILLIC_LETTERS, _LATIN, strict=True))
_CYRILLIC_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate_ukrainian(text: str) -> str:
    """Ukrainian Cyrillic to Latin letters (the national romanization, simplified)."""
    out: list[str] = []
    word_start = True
    for ch in text:
        lower = ch.lower()
        latin = (_CYRILLIC_INITIAL.get(lower) if word_start else None) or _CYRILLIC.get(
            lower, lower
        )
        if ch != lower and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        word_start = ch in " -"
    return "".join(out)


@dataclass(frozen=True)
class Origin:
    """Where a group of residents comes from, with the names and labels its records carry."""

    key: str
    weight: int
    citizenship: str
    languages: str
    country: str  # birthplace label for those born abroad ("" for Italians)
    country_code: str  # Belfiore code of the country ("" for Italians)
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]

    @property
    def is_italian(self) -> bool:
        return not self.country_code


def _names(values: Iterable[object]) -> tuple[str, ...]:
    """Faker keeps names as tuples, lists or weighted dicts: a deduplicated tuple of the keys."""
    return tuple(dict.fromkeys(str(v) for v in values))


@cache
def origins() -> tuple[Origin, ...]:
    """The origins of the demo population, weighted like the users of Massa's social services."""
    ukrainian = (
        tuple(transliterate_ukrainian(n) for n in _names(UkrainianNames.first_names_male)),
        tuple(transliterate_ukrainian(n) for n in _names(UkrainianNames.first_names_female)),
        tuple(transliterate_ukrainian(n) for n in _names(UkrainianNames.last_names)),
    )
    return (
        Origin(
            "it", 720, "italiana", "italiano", "", "",
            _names(ItalianNames.first_names_male), _names(ItalianNames.first_names_female),
            _names(ItalianNames.last_names),
        ),
        Origin(
            "ro", 70, "rumena", "romeno, italiano", "Romania", "Z129",
            _names(RomanianNames.first_names_male), _names(RomanianNames.first_names_female),
            _names(RomanianNames.last_names),
        ),
        Origin(
            "ma", 50, "marocchina", "arabo, francese", "Marocco", "Z330",
            MAGHREB_MALE, MAGHREB_FEMALE, MOROCCAN_SURNAMES,
        ),
        Origin(
            "al", 40, "albanese", "albanese, italiano", "Albania", "Z100",
            ALBANIAN_MALE, ALBANIAN_FEMALE, ALBANIAN_SURNAMES,
        ),
        Origin("ua", 30, "ucraina", "ucraino, russo", "Ucraina", "Z138", *ukrainian),
        Origin(
            "sn", 20, "senegalese", "wolof, francese", "Senegal", "Z343",
            SENEGALESE_MALE, SENEGALESE_FEMALE, SENEGALESE_SURNAMES,
        ),
        Origin(
            "ng", 20, "nigeriana", "inglese", "Nigeria", "Z335",
            _names(NigerianNames.first_names_male), _names(NigerianNames.first_names_female),
            _names(NigerianNames.last_names),
        ),
        Origin(
            "pe", 20, "peruviana", "spagnolo", "Perù", "Z611",
            _names(SpanishNames.first_names_male), _names(SpanishNames.first_names_female),
            _names(SpanishNames.last_names),
        ),
        Origin(
            "tn", 10, "tunisina", "arabo, francese", "Tunisia", "Z352",
            MAGHREB_MALE, MAGHREB_FEMALE, TUNISIAN_SURNAMES,
        ),
        Origin(
            "pk", 10, "pakistana", "urdu, inglese", "Pakistan", "Z236",
            PAKISTANI_MALE, PAKISTANI_FEMALE, PAKISTANI_SURNAMES,
        ),
        Origin(
            "cn", 10, "cinese", "cinese", "Cina", "Z210",
            _names(ChineseNames.first_romanized_names), _names(ChineseNames.first_romanized_names),
            _names(ChineseNames.last_romanized_names),
        ),
    )  # fmt: skip


def pick_origin(rng: random.Random) -> Origin:
    pool = origins()
    return rng.choices(pool, weights=[o.weight for o in pool])[0]


def pick_italian_birthplace(rng: random.Random) -> tuple[str, str]:
    name, code, _weight = rng.choices(
        ITALIAN_BIRTHPLACES, weights=[w for *_, w in ITALIAN_BIRTHPLACES]
    )[0]
    return name, code
