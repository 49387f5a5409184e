#!/usr/bin/env python3
"""Generate synthetic annual reports in the text format of ../shared/corpus (for benchmarks).

    python bench/make_corpus.py --reports 100 --out bench/work/corpus-100 [--seed 1] [--size 45000]

Each report looks like the real capture (see ../shared/corpus/README.md): a boilerplate line, the report
heading ("3.1 Beleidsverslag"), part headings, numbered sections whose number is followed by a run of
non-breaking and ordinary spaces, unnumbered subheadings, one-line paragraphs, footnote markers glued to
the preceding word or punctuation, footnotes as (number, blank, text) with Kamerstukken citations in the
forms reports use, and a closing "Licence" line. About ``--size`` characters each.

Names come from the project's reference data (reference/*.ttl: organisations, laws, EU acts) and from
invented ones (new agencies, laws, bills, programmes with their abbreviations), so the extractor meets
names it has never seen. Report ``i`` depends only on (seed, i): the first 10 reports of a 100-report
corpus are the 10-report corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"

# --- vocabulary ---------------------------------------------------------------------------------------

MINISTRIES = [  # (name, abbreviation, budget chapter)
    ("Justitie en Veiligheid", "JenV", "VI"), ("Asiel en Migratie", "AenM", "XX"),
    ("Binnenlandse Zaken en Koninkrijksrelaties", "BZK", "VII"), ("Defensie", "", "X"),
    ("Financiën", "FIN", "IXB"), ("Infrastructuur en Waterstaat", "IenW", "XII"),
    ("Economische Zaken", "EZ", "XIII"), ("Klimaat en Groene Groei", "KGG", "XXIII"),
    ("Landbouw, Visserij, Voedselzekerheid en Natuur", "LVVN", "XIV"),
    ("Onderwijs, Cultuur en Wetenschap", "OCW", "VIII"), ("Sociale Zaken en Werkgelegenheid", "SZW", "XV"),
    ("Volksgezondheid, Welzijn en Sport", "VWS", "XVI"), ("Volkshuisvesting en Ruimtelijke Ordening", "VRO", "XXII"),
    ("Buitenlandse Zaken", "BZ", "V"), ("Algemene Zaken", "AZ", "III"),
]

DOMAINS = [  # (Capitalised topic, compound stem, lower-case phrase)
    ("Cybercriminaliteit", "Cybercriminaliteits", "cybercriminaliteit"), ("Mensenhandel", "Mensenhandel", "mensenhandel"),
    ("Slachtofferhulp", "Slachtofferhulp", "slachtofferhulp"), ("Jeugdbescherming", "Jeugdbeschermings", "jeugdbescherming"),
    ("Waterveiligheid", "Waterveiligheids", "waterveiligheid"), ("Grondstoffen", "Grondstoffen", "grondstoffen"),
    ("Energietransitie", "Energietransitie", "energietransitie"), ("Woningbouw", "Woningbouw", "woningbouw"),
    ("Stikstof", "Stikstof", "stikstof"), ("Arbeidsmarkt", "Arbeidsmarkt", "arbeidsmarkt"),
    ("Kansengelijkheid", "Kansengelijkheids", "kansengelijkheid"), ("Digitale Weerbaarheid", "Weerbaarheids", "digitale weerbaarheid"),
    ("Ondermijning", "Ondermijnings", "ondermijning"), ("Radicalisering", "Radicaliserings", "radicalisering"),
    ("Zorgverzekering", "Zorgverzekerings", "zorgverzekering"), ("Pensioenen", "Pensioen", "pensioenen"),
    ("Luchtvaart", "Luchtvaart", "luchtvaart"), ("Drinkwater", "Drinkwater", "drinkwater"),
    ("Kinderopvang", "Kinderopvang", "kinderopvang"), ("Inburgering", "Inburgerings", "inburgering"),
    ("Fraudebestrijding", "Fraudebestrijdings", "fraudebestrijding"), ("Gegevensdeling", "Gegevensdelings", "gegevensdeling"),
    ("Wapenexport", "Wapenexport", "wapenexport"), ("Mijnbouw", "Mijnbouw", "mijnbouw"),
    ("Armoedebestrijding", "Armoede", "armoedebestrijding"), ("Huiselijk Geweld", "Geweld", "huiselijk geweld"),
    ("Circulaire Economie", "Circulaire", "circulaire economie"), ("Natuurherstel", "Natuurherstel", "natuurherstel"),
    ("Verkeersveiligheid", "Verkeersveiligheids", "verkeersveiligheid"), ("Laaggeletterdheid", "Laaggeletterdheids", "laaggeletterdheid"),
    ("Wijkveiligheid", "Wijkveiligheids", "wijkveiligheid"), ("Rechtsbescherming", "Rechtsbeschermings", "rechtsbescherming"),
]
ORG_PREFIX = ["Landelijk", "Nationaal", "Regionaal", "Centraal", "Nederlands", "Gemeenschappelijk", "Interdepartementaal",
              "Onafhankelijk", "Koninklijk"]
ORG_HEAD = ["Expertisecentrum", "Bureau", "Steunpunt", "Kenniscentrum", "Platform", "Instituut", "Agentschap",
            "Meldpunt", "Informatiecentrum", "Coördinatiecentrum", "Team"]
ORG_FORMS = [
    "{prefix} {head} {Topic}", "Inspectie {Topic}", "Raad voor {topic_det}", "Autoriteit {Topic}",
    "Stichting {Topic} Nederland", "Dienst {Topic}", "Commissie {Topic}", "{Topic}autoriteit",
]
CITIES = ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
          "Nijmegen", "Arnhem", "Zwolle", "Leeuwarden", "Maastricht", "Middelburg", "Lelystad", "Assen", "Den Bosch"]
PROG_FORMS = [
    "programma {Name}", "Actieplan {Topic}", "Nationale {Stem}strategie", "Meerjarenagenda {Topic} {y}-{y4}",
    "pilot {Name}", "{Stem}akkoord", "Monitor {Topic}", "Dreigingsbeeld {Topic}", "campagne {Name}",
    "Uitvoeringsagenda {Topic}", "project {Name}", "{Stem}convenant", "Beleidskader {Topic}",
]
PROG_NAMES = ["Samen Sterker", "Veilig Thuis", "Grip", "Koers", "Kompas", "Basis op Orde", "Vakmanschap",
              "Zicht op Zorg", "Open Poort", "Perspectief", "Nieuwe Wegen", "Stevig Fundament", "Horizon",
              "Brug", "Vitale Wijken", "Toekomstbestendig", "Samen Vooruit", "Netwerk Noord", "Snel Recht"]
LAW_FORMS = [
    "Wet versterking {topic}", "Wet op de {topic}", "{Stem}wet", "Wet bestuurlijke aanpak {topic}",
    "Wet modernisering {topic}", "Tijdelijke wet {topic}", "Wet integrale {topic}", "{Stem}wet {y}",
]
BILL_FORMS = ["wetsvoorstel {Name}", "wetsvoorstel versterking {topic}", "wetsvoorstel {Stem}wet"]
EU_FORMS = ["{Stem}verordening", "richtlijn {topic}", "{Stem}richtlijn", "Europese {Stem}verordening"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
PART_TITLES = ["Beleidsprioriteiten", "Uitvoering en dienstverlening", "Veiligheid en weerbaarheid",
               "Toekomstbestendige organisatie", "Internationale samenwerking", "Financiën en bedrijfsvoering"]
SECTION_TITLES = [
    "Sterke rechtsstaat", "Brede aanpak {topic}", "Preventie", "Nationale veiligheid", "Een wendbare uitvoering",
    "Toegang tot voorzieningen", "Grip op {topic}", "Een veilige samenleving", "Digitalisering en informatie",
    "{Topic}: basis op orde en klaar voor de toekomst", "Samenwerking met medeoverheden", "Internationale inzet",
]
SUB_TITLES = [
    "Een versterkte keten", "Betere toegang", "Aanpak van {topic}", "Versterking van de uitvoering",
    "Wat hebben we bereikt?", "Informatievoorziening", "Regionale samenwerking", "{Topic}", "Europese ontwikkelingen",
    "Capaciteit en personeel", "Kwaliteit en toezicht", "Innovatie en onderzoek", "Wet- en regelgeving",
]


def _words(rng: random.Random, items: list) -> object:
    return items[rng.randrange(len(items))]


def _initials(name: str) -> str:
    parts = [w for w in re.split(r"[ \-]+", name) if w and w[0].isupper()]
    ab = "".join(w[0] for w in parts)
    return ab if len(ab) >= 2 else name[:3].upper()


@dataclass
class Entity:
    kind: str  # org | law | bill | eu | prog
    name: str
    abbr: str = ""


@dataclass
class Vocabulary:
    orgs: list[Entity] = field(default_factory=list)
    laws: list[Entity] = field(default_factory=list)
    eu: list[Entity] = field(default_factory=list)


def load_reference(root: Path = ROOT) -> Vocabulary:
    """Names and abbreviations of reference/*.ttl (organisations, laws, EU acts); empty if absent."""
    vocab = Vocabulary()
    files = sorted((root / "reference").glob("*.ttl"))
    if not files:
        return vocab
    try:
        import pyoxigraph as ox
    except ImportError:
        return vocab
    kg = "https://kg.example.org/def/kg#"
    info: dict[str, dict] = {}
    for f in files:
        try:
            quads = list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError):
            continue
        for q in quads:
            s, p, o = q.subject.value, q.predicate.value, q.object
            d = info.setdefault(s, {"types": set(), "nl": None, "abbr": []})
            if p.endswith("#type"):
                d["types"].add(o.value.removeprefix(kg))
            elif p.endswith("#prefLabel") and getattr(o, "language", None) == "nl":
                d["nl"] = o.value
            elif p == kg + "abbreviation":
                d["abbr"].append(o.value)
    for s in sorted(info):
        d = info[s]
        if not d["nl"]:
            continue
        abbr = sorted(d["abbr"])[0] if d["abbr"] else ""
        if "Organisation" in d["types"]:
            vocab.orgs.append(Entity("org", d["nl"], abbr))
        elif d["types"] & {"EUAct", "EURegulation", "EUDirective"}:
            vocab.eu.append(Entity("eu", d["nl"], abbr))
        elif d["types"] & {"Law", "Code", "Bill", "GeneralAdministrativeOrder", "LegalInstrument"}:
            vocab.laws.append(Entity("law", d["nl"], abbr))
    return vocab


FALLBACK = Vocabulary(
    orgs=[Entity("org", "Openbaar Ministerie", "OM"), Entity("org", "Dienst Justitiële Inrichtingen", "DJI"),
          Entity("org", "Immigratie- en Naturalisatiedienst", "IND"), Entity("org", "Politie"),
          Entity("org", "Raad voor de rechtspraak", "Rvdr"), Entity("org", "Tweede Kamer", "TK")],
    laws=[Entity("law", "Opiumwet"), Entity("law", "Wet op de rechtsbijstand", "Wrb"),
          Entity("law", "Vreemdelingenwet 2000", "Vw 2000"), Entity("law", "Wetboek van Strafvordering", "Sv")],
    eu=[Entity("eu", "AI-verordening"), Entity("eu", "NIS2-richtlijn")],
)


# --- one report ----------------------------------------------------------------------------------------

class ReportWriter:
    """Writes one report; every random choice comes from ``rng``."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, index: int, size: int) -> None:
        self.rng = rng
        self.size = size
        self.year = rng.randrange(2019, 2026)
        self.ministry, self.min_abbr, self.chapter = _words(rng, MINISTRIES)
        self.domains = rng.sample(DOMAINS, 8)
        # The cast of this report: reference names (known) and invented ones (unseen).
        ref_orgs = vocab.orgs or FALLBACK.orgs
        ref_laws = vocab.laws or FALLBACK.laws
        ref_eu = vocab.eu or FALLBACK.eu
        self.orgs = rng.sample(ref_orgs, min(len(ref_orgs), rng.randrange(14, 24))) + [self._new_org() for _ in range(rng.randrange(6, 12))]
        self.laws = rng.sample(ref_laws, min(len(ref_laws), rng.randrange(6, 12))) + [self._new_law() for _ in range(rng.randrange(3, 7))]
        self.bills = [self._new_bill() for _ in range(rng.randrange(2, 5))]
        self.eu = rng.sample(ref_eu, min(len(ref_eu), rng.randrange(2, 6))) + [self._new_eu() for _ in range(rng.randrange(1, 3))]
        self.progs = [self._new_prog() for _ in range(rng.randrange(8, 15))]
        self.introduced: set[str] = set()
        self.footnotes: list[str] = []
        self.dossiers = [self._dossier() for _ in range(rng.randrange(4, 9))]

    # invented names
    def _topic(self):
        return _words(self.rng, self.domains)

    def _fill(self, form: str) -> str:
        topic, stem, low = self._topic()
        y = self.rng.randrange(self.year - 2, self.year + 1)
        det = "de " + low
        name = _words(self.rng, PROG_NAMES)
        out = form.format(Topic=topic, Stem=stem, topic=low, topic_det=det, Name=name, y=y, y4=y + 3,
                          prefix=_words(self.rng, ORG_PREFIX), head=_words(self.rng, ORG_HEAD))
        return out[0].upper() + out[1:] if form[0] == "{" else out

    def _new_org(self) -> Entity:
        if self.rng.random() < 0.15:
            return Entity("org", f"Veiligheidsregio {_words(self.rng, CITIES)}")
        if self.rng.random() < 0.1:
            return Entity("org", f"Rechtbank {_words(self.rng, CITIES)}")
        name = self._fill(_words(self.rng, ORG_FORMS))
        return Entity("org", name, _initials(name) if self.rng.random() < 0.7 else "")

    def _new_law(self) -> Entity:
        name = self._fill(_words(self.rng, LAW_FORMS))
        ab = "W" + "".join(w[0] for w in name.split()[1:]).lower() if name.startswith("Wet ") and self.rng.random() < 0.5 else ""
        return Entity("law", name, ab if len(ab) >= 3 else "")

    def _new_bill(self) -> Entity:
        return Entity("bill", self._fill(_words(self.rng, BILL_FORMS)))

    def _new_eu(self) -> Entity:
        return Entity("eu", self._fill(_words(self.rng, EU_FORMS)))

    def _new_prog(self) -> Entity:
        name = self._fill(_words(self.rng, PROG_FORMS))
        return Entity("prog", name, _initials(name) if self.rng.random() < 0.2 and name[0].isupper() else "")

    def _dossier(self) -> str:
        n = self.rng.randrange(21000, 36700)
        return f"{n // 1000} {n % 1000:03d}" if self.rng.random() < 0.5 else str(n)

    # mentions
    def name(self, e: Entity) -> str:
        """First mention: full name, with '(ABBR)' when it has one; later: the abbreviation or the name."""
        if e.name not in self.introduced:
            self.introduced.add(e.name)
            return f"{e.name} ({e.abbr})" if e.abbr and self.rng.random() < 0.8 else e.name
        if e.abbr and self.rng.random() < 0.7:
            return e.abbr
        return e.name

    def org(self):
        return self.name(_words(self.rng, self.orgs))

    def law(self):
        return self.name(_words(self.rng, self.laws))

    def bill(self):
        return self.name(_words(self.rng, self.bills))

    def eu_act(self):
        return self.name(_words(self.rng, self.eu))

    def prog(self):
        return self.name(_words(self.rng, self.progs))

    def date(self):
        r = self.rng.random()
        if r < 0.5:
            return f"{self.rng.randrange(1, 29)} {_words(self.rng, MONTHS)} {self.year}"
        if r < 0.8:
            return f"{_words(self.rng, MONTHS)} {self.year}"
        return str(self.year)

    def when(self):
        """A date with its preposition: 'op 5 juni 2024', 'in juni 2024', 'in 2024'."""
        d = self.date()
        return ("op " if d[0].isdigit() and not d.isdigit() else "in ") + d

    def number(self):
        if self.rng.random() < 0.5:
            return f"{self.rng.randrange(2, 999)}.{self.rng.randrange(0, 1000):03d}"
        return str(self.rng.randrange(2, 999))

    def money(self):
        if self.rng.random() < 0.6:
            return f"{self.rng.randrange(1, 99)},{self.rng.randrange(1, 10)} miljoen euro"
        return f"{self.rng.randrange(2, 900)} miljoen euro"

    def topic(self):
        return self._topic()[2]

    def citation(self) -> str:
        r = self.rng.random()
        y = self.rng.randrange(self.year - 2, self.year + 1)
        ses = f"{y}/{(y + 1) % 100:02d}"
        ch = "II" if self.rng.random() < 0.9 else "I"
        d = _words(self.rng, self.dossiers)
        n = self.rng.randrange(1, 1200)
        if r < 0.6:
            return f"Kamerstukken {ch} {ses}, {d}, nr. {n}"
        if r < 0.7:
            return f"Kamerstukken {ch} {ses}, {d}, nrs. {n} en {n + self.rng.randrange(1, 90)}."
        if r < 0.8:
            return f"Kamerstukken II, vergaderjaar {ses}, {d}, nr. {n}."
        if r < 0.87:
            return f"Kamerstukken II {ses}, {self.rng.randrange(36100, 36700)} {self.chapter}, nr. {self.rng.randrange(1, 30)}"
        if r < 0.94:
            e = _words(self.rng, self.orgs + self.progs)
            return (f"Zie voor de uitwerking de brief over {e.name} aan de Tweede Kamer. "
                    f"Kamerstukken II {ses}, {d}, nr. {n}.")
        e = _words(self.rng, [x for x in self.orgs + self.laws if x.abbr] or self.orgs)
        return f"{e.abbr or e.name} ({e.name})"

    def marker(self) -> str:
        self.footnotes.append(self.citation())
        return str(len(self.footnotes))

    # text
    def filler(self) -> str:
        """A sentence that names nothing: the prose between the names (as dense as in the real report)."""
        r = self.rng
        s = (f"{_words(r, OPENERS)} {_words(r, SUBJECTS)} {_words(r, VERBS).format(t=self.topic())}"
             f"{_words(r, TAILS).format(t=self.topic(), y=self.year)}.")
        return _cap(s)

    def sentence(self) -> str:
        if self.rng.random() < 0.58:
            s = self.filler()
        else:
            s = SENTENCES[self.rng.randrange(len(SENTENCES))](self)
        # Glue a footnote marker to a word or to the closing full stop now and then.
        if self.rng.random() < 0.035 and len(self.footnotes) < 30:
            if self.rng.random() < 0.5:
                s = s + self.marker()
            else:
                s = s[:-1] + self.marker() + "."
        return s

    def paragraph(self) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randrange(3, 9)))
        if self.rng.random() < 0.05:
            text += " "  # trailing space, as in the capture
        return text

    def write(self) -> str:
        rng = self.rng
        h = rng.choice(["3.1", "3.1", "2.1", "4.1", "3.2"])
        out: list[str] = ["Base description which applies to whole site", f"{h} Beleidsverslag"]
        out.append(self.intro())
        out.append(
            f"Tegen deze achtergrond beschrijven we hier wat we dit jaar hebben bereikt en, als dat zo is, waarom de "
            f"resultaten anders zijn dan voorzien. Dit doen we voor alle voornemens uit onze Beleidsagenda van {self.year}.")
        parts = [self.ministry] + rng.sample(PART_TITLES, rng.randrange(0, 3))
        n_sections = rng.randrange(5, 9)
        per_part = [n_sections // len(parts)] * len(parts)
        per_part[0] += n_sections - sum(per_part)
        budget = self.size - 1500  # room for the footnotes
        used = sum(len(x) + 2 for x in out)
        sec = 0
        paras_per_section = max(3, int(budget / 900 / n_sections))
        for part, count in zip(parts, per_part, strict=True):
            out.append(part)
            for _ in range(count):
                sec += 1
                title = self._fill(_words(rng, SECTION_TITLES))
                sp = NBSP * rng.randrange(0, 3) + " " * rng.randrange(1, 3)
                out.append(f"{h}.{sec}{sp}{title}" + (" " * rng.randrange(0, 5) if rng.random() < 0.2 else ""))
                left = paras_per_section
                while left > 0:
                    if rng.random() < 0.6:
                        out.append(self._fill(_words(rng, SUB_TITLES)))
                    for _ in range(min(left, rng.randrange(1, 4))):
                        p = self.paragraph()
                        out.append(p)
                        used += len(p) + 2
                        left -= 1
                if used > budget:
                    break
        while used < budget:  # top up the last section
            p = self.paragraph()
            out.append(p)
            used += len(p) + 2
        for i, f in enumerate(self.footnotes, 1):
            out.append(str(i))
            out.append(f)
        return "\n\n".join(out) + "\n\nLicence"

    def intro(self) -> str:
        return (f"{self.year} was allerminst een rustig jaar. Internationale spanningen, demografische ontwikkelingen "
                f"en {self.topic()} vroegen onze aandacht. Naast het ministerie van {self.ministry}"
                f"{f' ({self.min_abbr})' if self.min_abbr else ''} werkten ook {self.org()} en {self.org()} aan de "
                f"voornemens uit het {self.prog()}. " + " ".join(self.sentence() for _ in range(4)))


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


# Sentence templates: realistic density of organisations, laws, bills, EU acts, programmes, dates, figures.
SENTENCES = [
    lambda w: f"Samen met {w.org()} en {w.org()} werkten we aan de implementatie van de {w.law()}.",
    lambda w: f"De {w.law()} trad {w.when()} in werking.",
    lambda w: f"{_cap(w.when())} dienden we het {w.bill()} in bij de Tweede Kamer.",
    lambda w: f"Het {w.bill()} is in formele consultatie gegeven aan {w.org()} en {w.org()}.",
    lambda w: f"Met het {w.prog()} zorgen we ervoor dat {w.org()} beter kan inspelen op {w.topic()}.",
    lambda w: f"Vooral de {w.eu_act()} en de {w.eu_act()} zorgden voor nieuwe verplichtingen voor {w.org()}.",
    lambda w: f"Ter uitvoering van de {w.eu_act()} wijzigden we de {w.law()}.",
    lambda w: f"In {w.year} ontvingen {w.org()} en {w.org()} samen {w.number()} meldingen over {w.topic()}.",
    lambda w: f"Eind {w.year} waren er meer dan {w.number()} zaken in behandeling bij {w.org()}.",
    lambda w: f"{_cap(w.org())} publiceerde {w.when()} een evaluatie van het {w.prog()}.",
    lambda w: f"Voor het versterken van {w.topic()} kwam extra geld beschikbaar: {w.money()} in {w.year}.",
    lambda w: f"We verlengden het {w.prog()} met {w.rng.randrange(2, 6)} jaar.",
    lambda w: f"Op basis van de {w.law()} kan {w.org()} sneller ingrijpen bij {w.topic()}.",
    lambda w: f"Het kabinet stuurde {w.when()} een brief over {w.topic()} naar beide Kamers.",
    lambda w: f"De samenwerking tussen {w.org()}, {w.org()} en gemeenten is verder verbeterd.",
    lambda w: f"Daarnaast gingen we verder met het vernieuwen van het stelsel voor {w.topic()}.",
    lambda w: f"Aandachtspunt hierbij is het versterken en verbreden van de eerste lijn.",
    lambda w: f"De eerste ervaringen met de wet zijn positief.",
    lambda w: f"Doordat beleid en uitvoering goed samenwerkten waren de organisaties op dat moment klaar.",
    lambda w: f"{_cap(w.org())} en {w.org()} stelden implementatieplannen op voor het moment dat de {w.law()} wijzigt ({w.date()}).",
    lambda w: f"Met een actieve inbreng in de onderhandelingen over de {w.eu_act()} zorgde Nederland voor heldere regels.",
    lambda w: f"Het aantal {w.topic()}zaken daalde met {w.rng.randrange(2, 40)} procent ten opzichte van {w.year - 1}.",
    lambda w: f"In het {w.prog()} werken {w.org()} en {w.org()} samen aan {w.topic()}.",
    lambda w: f"‘{_cap(w.topic())}’ houdt in dat mensen toegang hebben tot 1) informatie, 2) advies en 3) ondersteuning.",
    lambda w: f"Ook startten we het {w.prog()}, gericht op {w.topic()} en {w.topic()}.",
    lambda w: f"De Raad van State bracht {w.when()} advies uit over het {w.bill()}.",
    lambda w: f"Na de behandeling in de Eerste Kamer werd het {w.bill()} aangenomen.",
    lambda w: f"{_cap(w.org())} houdt toezicht op de naleving van de {w.law()}.",
    lambda w: f"We investeerden {w.rng.randrange(2, 300)} miljoen euro in {w.topic()} via het {w.prog()}.",
    lambda w: f"Ruim {w.number()} professionals volgden een opleiding over de {w.law()} en de {w.eu_act()}.",
    lambda w: f"Tegen de achtergrond van nieuwe technologieën spraken we met {w.org()} over de mate waarin het juridisch kader nog past.",
    lambda w: f"Dat dwingt tot nadenken over langetermijnbeleid op het gebied van {w.topic()}.",
    lambda w: f"Vanaf {w.date()} geldt een nieuwe regeling voor {w.topic()} onder de {w.law()}.",
    lambda w: f"De resultaten van het {w.prog()} zijn gedeeld met {w.org()} en de Tweede Kamer.",
]


OPENERS = ["In {y}", "Daarnaast", "Ook", "Tegelijkertijd", "Mede daardoor", "Op dit moment", "Naast de inzet op de korte termijn",
           "Om die reden", "Zoals eerder aangekondigd", "In de tweede helft van het jaar", "Net als in voorgaande jaren",
           "Samen met de ketenpartners", "Met de extra middelen", ""]
OPENERS = [o.replace("{y}", "het verslagjaar") for o in OPENERS]
SUBJECTS = ["werkten we", "hebben we", "zetten we", "verkenden we", "zorgden we", "investeerden we", "richtten we",
            "onderzochten we", "bespraken we", "versterkten we", "ondersteunden we", "ontwikkelden we"]
VERBS = [
    "verder aan een toekomstbestendige aanpak van {t}", "gericht op de verbetering van de informatievoorziening over {t}",
    "aan het versterken en verbreden van de eerste lijn bij {t}", "in overleg met gemeenten en maatschappelijke organisaties aan {t}",
    "met professionals uit de praktijk de knelpunten bij {t} in kaart", "de mogelijkheden om de doorlooptijden bij {t} te verkorten",
    "een balans tussen plichten en verantwoordelijkheden enerzijds en voorzieningen en kansen anderzijds bij {t}",
    "extra capaciteit in voor het wegwerken van achterstanden bij {t}", "op een betere aansluiting tussen beleid en uitvoering bij {t}",
    "de signalerende functie van de uitvoering bij {t} verder uit", "aan heldere regels en een goede aansluiting bij bestaande systemen voor {t}",
    "de werkprocessen rond {t} herzien en professionals opgeleid", "gerichte communicatie in om eventuele knelpunten bij {t} te identificeren",
]
TAILS = ["", ", zodat burgers en bedrijven daar sneller van profiteren", ", ook om eventuele knelpunten vroeg te signaleren",
         " en dat leverde de eerste positieve resultaten op", ", waarbij we de ervaringen uit {y} hebben meegenomen",
         ", omdat de druk op de uitvoering onverminderd hoog bleef", " met het oog op de langere termijn",
         ", mede naar aanleiding van de evaluatie en de gesprekken met de uitvoering",
         " en daarbij letten we in het bijzonder op de samenhang met {t}", ", al is er nog veel te doen"]


def make_report(seed: int, index: int, vocab: Vocabulary, size: int = 45_000) -> tuple[str, str]:
    """(file name, text) of report ``index``; depends only on (seed, index, vocab, size)."""
    rng = random.Random(f"kg-bench:{seed}:{index}")
    w = ReportWriter(rng, vocab, index, size)
    slug = re.sub(r"[^a-z0-9]+", "-", w.min_abbr.lower() or w.ministry.lower()).strip("-")
    return f"synth-{index:05d}-{slug}-jaarverslag-{w.year}.txt", w.write()


def make_corpus(n: int, out: Path, *, seed: int = 1, size: int = 45_000) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    vocab = load_reference()
    paths = []
    for i in range(n):
        name, text = make_report(seed, i, vocab, size)
        p = out / name
        data = text.encode("utf-8")
        if not p.exists() or p.read_bytes() != data:  # unchanged files keep their mtime
            p.write_bytes(data)
        paths.append(p)
    keep = {p.name for p in paths}
    for old in out.glob("synth-*.txt"):
        if old.name not in keep:
            old.unlink()
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, required=True, help="how many reports")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them to")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=int, default=45_000, help="target characters per report")
    a = ap.parse_args(argv)
    paths = make_corpus(a.reports, a.out, seed=a.seed, size=a.size)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} report(s), {total / 1e6:.1f} MB, to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
