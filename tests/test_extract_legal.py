"""Unit tests of the legal-instrument patterns (kg.extract.legal.find), one sentence at a time.

Each case is a sentence with the names the patterns must find in it (surface as written, and label), or must
not find. They are written in general terms, not taken from one report: see tests/gold/README.md §3 for what
counts as a named legal instrument.
"""

from __future__ import annotations

import pytest

from kg.extract import legal
from kg.extract import relations
from kg.model import Entity, Mention


def found(sentence: str) -> dict[str, tuple[str, str]]:
    """surface -> (label, subkind) of every candidate in the sentence."""
    return {sentence[c.start:c.end]: (c.label, c.subkind) for c in legal.find(sentence, 0, 0)}


POSITIVE = [
    # bills named after "wetsvoorstel": the word belongs to the name (gold §3 b)
    ("De TK nam het wetsvoorstel Nieuwe Psychoactieve stoffen aan.", "wetsvoorstel Nieuwe Psychoactieve stoffen",
     "Wetsvoorstel Nieuwe Psychoactieve stoffen", "bill"),
    ("Een mijlpaal is het wetsvoorstel Ondermijning II.", "wetsvoorstel Ondermijning II", "Wetsvoorstel Ondermijning II", "bill"),
    ("In november stuurden we het wetsvoorstel vlootvernieuwing binnenvaart naar de Raad van State.",
     "wetsvoorstel vlootvernieuwing binnenvaart", "Wetsvoorstel vlootvernieuwing binnenvaart", "bill"),
    ("Met het wetsvoorstel Participatiewet in balans maken we de bijstand eenvoudiger.",
     "wetsvoorstel Participatiewet in balans", "Wetsvoorstel Participatiewet in balans", "bill"),
    # ... but a law's own title after "wetsvoorstel" is the name
    ("In mei dienden we het wetsvoorstel Wet werkelijk rendement box 3 in bij de Tweede Kamer.",
     "Wet werkelijk rendement box 3", "Wet werkelijk rendement box 3", "bill"),
    # lower-case bill names in parentheses
    ("De behandeling van het eerste wetsvoorstel (eerste vaststellingswet) is afgerond.", "eerste vaststellingswet",
     "Eerste vaststellingswet", "bill"),
    ("Een derde wetsvoorstel is in consultatie gegeven (eerste aanvullingswet).", "eerste aanvullingswet",
     "Eerste aanvullingswet", "bill"),
    # titles end before the verb of an inverted clause, not at the first lower-case word
    ("Met de Wet implementatie EU-richtlijn toereikende minimumlonen zetten we de richtlijn om.",
     "Wet implementatie EU-richtlijn toereikende minimumlonen", "Wet implementatie EU-richtlijn toereikende minimumlonen", "law"),
    ("De Wet werk en inkomen naar arbeidsvermogen (WIA) blijft.", "Wet werk en inkomen naar arbeidsvermogen",
     "Wet werk en inkomen naar arbeidsvermogen", "law"),
    ("Het stelsel valt onder de Wet allocatie arbeidskrachten door intermediairs.",
     "Wet allocatie arbeidskrachten door intermediairs", "Wet allocatie arbeidskrachten door intermediairs", "law"),
    ("Met de Implementatiewet richtlijn duurzaamheidsrapportering zetten we de richtlijn om.",
     "Implementatiewet richtlijn duurzaamheidsrapportering", "Implementatiewet richtlijn duurzaamheidsrapportering", "law"),
    # EU acts
    ("Het ging om het nieuwe Europese anti-witwaspakket.", "Europese anti-witwaspakket", "Europees anti-witwaspakket", "eu-package"),
    ("We publiceerden de nieuwe Europese confiscatierichtlijn.", "Europese confiscatierichtlijn", "Europese confiscatierichtlijn", "eu-directive"),
    ("We implementeren de Europese Richtlijn minimumbelasting.", "Europese Richtlijn minimumbelasting",
     "Richtlijn minimumbelasting", "eu-directive"),
    ("Sinds april is de Verordening infrastructuur voor alternatieve brandstoffen (AFIR) van toepassing.",
     "Verordening infrastructuur voor alternatieve brandstoffen", "Verordening infrastructuur voor alternatieve brandstoffen",
     "eu-regulation"),
    ("Dit geldt voor de Richtlijn hernieuwbare energie voor de vervoerssector.", "Richtlijn hernieuwbare energie",
     "Richtlijn hernieuwbare energie", "eu-directive"),
    ("We zetten de Corporate Sustainability Reporting Directive (CSRD) om.", "Corporate Sustainability Reporting Directive",
     "Corporate Sustainability Reporting Directive", "eu-directive"),
    ("De doelen van de Kaderrichtlijn Water zijn nog niet gehaald.", "Kaderrichtlijn Water", "Kaderrichtlijn Water", "eu-directive"),
    # a descriptive EU name followed by its short name takes the short name as label
    ("Het gaat om de herziening van de richtlijn Netwerk- en informatiebeveiliging (de NIS2-richtlijn).",
     "richtlijn Netwerk- en informatiebeveiliging", "NIS2-richtlijn", "eu-directive"),
    ("We noemen de Wet computercriminaliteit III en de Wet Bibob.", "Wet computercriminaliteit III", "Wet computercriminaliteit III", "law"),
    ("Zo is de Wet Markt en Overheid geëvalueerd.", "Wet Markt en Overheid", "Wet Markt en Overheid", "law"),
    ("De wetsvoorstellen Wet X en Wet Y liggen bij de Kamer.", "Wet Y", "Wet Y", "law"),
    ("Het gaat om de Wet gemeentelijke taak mogelijk maken asielopvangvoorzieningen.",
     "Wet gemeentelijke taak mogelijk maken asielopvangvoorzieningen", "Wet gemeentelijke taak mogelijk maken asielopvangvoorzieningen", "law"),
    ("De Algemene wet bestuursrecht (Awb) is gewijzigd.", "Algemene wet bestuursrecht", "Algemene wet bestuursrecht", "law"),
    # orders in council, EU acts by number, treaties
    ("Het Besluit kwaliteit leefomgeving (Bkl) is aangepast.", "Besluit kwaliteit leefomgeving", "Besluit kwaliteit leefomgeving", "amvb"),
    ("Het Bouwbesluit 2012 is vervangen.", "Bouwbesluit 2012", "Bouwbesluit 2012", "amvb"),
    ("De Verordening (EU) 2023/1115 inzake ontbossing geldt vanaf 2025.", "Verordening (EU) 2023/1115", "Verordening (EU) 2023/1115", "eu-regulation"),
    ("Zij volgt Richtlijn 2008/115/EG.", "Richtlijn 2008/115/EG", "Richtlijn 2008/115/EG", "eu-directive"),
    ("Het Verdrag van Aarhus en het VN-Vrouwenverdrag zijn geratificeerd.", "Verdrag van Aarhus", "Verdrag van Aarhus", "treaty"),
    ("Het Verdrag van Aarhus en het VN-Vrouwenverdrag zijn geratificeerd.", "VN-Vrouwenverdrag", "VN-Vrouwenverdrag", "treaty"),
    ("De Wet kwaliteit, klachten en geschillen zorg (Wkkgz) wordt geëvalueerd.", "Wet kwaliteit, klachten en geschillen zorg",
     "Wet kwaliteit, klachten en geschillen zorg", "law"),
    ("Op grond van de Wet op de veiligheidsregio’s en de Drinkwaterwet zijn eisen gesteld.", "Wet op de veiligheidsregio’s",
     "Wet op de veiligheidsregio’s", "law"),
    ("De Wet langdurige zorg kent een eigen bijdrage.", "Wet langdurige zorg", "Wet langdurige zorg", "law"),
    ("In het Besluit van 12 maart 2024 staat het.", "Besluit van 12 maart 2024", "Besluit van 12 maart 2024", "amvb"),
    ("De Digital Services Act (DSA) en de Digital Markets Act (DMA) zijn van toepassing.", "Digital Services Act",
     "Digital Services Act", "eu-regulation"),
    ("Met de Uitvoeringswet Verordening herstel natuur geven we uitvoering aan de verordening.",
     "Uitvoeringswet Verordening herstel natuur", "Uitvoeringswet Verordening herstel natuur", "law"),
    ("Sinds 1 juli geldt de Wet medische hulpmiddelen voor alle fabrikanten.", "Wet medische hulpmiddelen",
     "Wet medische hulpmiddelen", "law"),
    ("Daarmee voeren we de Europese Verordening medische hulpmiddelen uit.", "Europese Verordening medische hulpmiddelen",
     "Verordening medische hulpmiddelen", "eu-regulation"),
]


@pytest.mark.parametrize("sentence,surface,label,subkind", POSITIVE, ids=[p[1] for p in POSITIVE])
def test_pattern_finds(sentence, surface, label, subkind):
    got = found(sentence)
    assert surface in got, got
    assert got[surface] == (label, subkind)


NEGATIVE = [
    # descriptions, not names (gold §3)
    ("We hebben een wetsvoorstel voorbereid dat de regels vereenvoudigt.", None),
    ("Het wetsvoorstel ingediend in mei regelt de heffing.", None),
    ("Het wetsvoorstel kan op steun rekenen.", None),
    ("Het wetsvoorstel om meer vormen van spionage strafbaar te stellen ligt bij de Kamer.", None),
    ("Met het nieuwe wetsvoorstel zorgen we voor meer duidelijkheid.", None),
    ("De Implementatiewet is in voorbereiding.", None),
    ("Volgens de richtlijn hernieuwbare energie moeten we meer doen.", None),  # lower-case head + lower-case words
    ("De Europese Verordening betreffende de interne markt werd herzien.", None),
    ("De Richtlijn van de Raad werd herzien.", None),
    ("Het Europese steunpakket voor Oekraïne werd verlengd.", None),
    ("Het voorstel (de nieuwe wet) volgt.", None),
    ("Het eerste deel (eerste tranche) volgt.", None),
    # the head of "de eIDAS Verordening" closes that name: it does not open "Verordening zorgden voor ..."
    ("Vooral de eIDAS Verordening zorgden voor verplichtingen.", "Verordening zorgden"),
    ("We stuurden de Wet kwaliteitsborging naar de Tweede Kamer.", "Wet kwaliteitsborging naar"),
    ("Het wetsvoorstel werd aangenomen door de Tweede Kamer.", None),
    ("Besluit daarom zelf wat u doet.", None),  # sentence-initial "Besluit" is a verb
    ("Het mandaatbesluit en het verdeelbesluit zijn genomen.", None),  # lower-case: not names (gold §3)
    ("Met het Verdrag werd dit geregeld.", None),
]


@pytest.mark.parametrize("sentence,bad", NEGATIVE, ids=[n[0][:40] for n in NEGATIVE])
def test_pattern_does_not_find(sentence, bad):
    got = found(sentence)
    if bad is None:
        assert not got, got
    else:
        assert not any(s.startswith(bad) for s in got), got


def test_bill_status_from_its_sentence():
    c = legal.find("Een derde wetsvoorstel is in formele consultatie gegeven (eerste aanvullingswet).", 0, 0)
    assert [x.status for x in c] == ["in-consultation"]
    c = legal.find("De Raad van State adviseerde over het wetsvoorstel verhogen strafmaat drugsdelicten.", 0, 0)
    assert [x.status for x in c] == ["bill-pending"]


def _ent(key: str, cls: str) -> Entity:
    return Entity(kind="legal", key=key, label=key, cls=cls, subkind="law")


def test_implements_through_an_anaphor():
    """"Met deze wet implementeren we de richtlijn ...": the law is the one named in the sentence before."""
    ents = {("legal", "wet-x"): _ent("wet-x", "Law"), ("legal", "richtlijn-y"): _ent("richtlijn-y", "EUDirective")}
    s1, s2 = "Sinds 1 januari geldt de Wet X.", "Met deze wet implementeren we de Richtlijn Y."
    m1 = Mention("legal", "wet-x", 24, 29, "Wet X", 0)
    m2 = Mention("legal", "richtlijn-y", 100 + 33, 100 + 44, "Richtlijn Y", 100)
    rel = relations.implements([(0, s1, [m1]), (100, s2, [m2])], ents)
    assert [(r.subject, r.object) for r in rel] == [(("legal", "wet-x"), ("legal", "richtlijn-y"))]
    assert rel[0].sentence_start == 100 and 100 <= rel[0].start < 100 + len(s2)


def test_no_implements_without_an_implementing_verb():
    ents = {("legal", "wet-x"): _ent("wet-x", "Law"), ("legal", "richtlijn-y"): _ent("richtlijn-y", "EUDirective")}
    s = "De Wet X en de Richtlijn Y gelden allebei."
    ms = [Mention("legal", "wet-x", 3, 8, "Wet X", 0), Mention("legal", "richtlijn-y", 15, 26, "Richtlijn Y", 0)]
    assert relations.implements([(0, s, ms)], ents) == []


STAGES = [
    ("Een derde wetsvoorstel is in formele consultatie gegeven (eerste aanvullingswet).", "bill", "in-consultation"),
    ("In november stuurden we het wetsvoorstel vlootvernieuwing binnenvaart naar de Raad van State.", "bill", "bill-pending"),
    ("In april nam de TK het wetsvoorstel Wet gegevensverwerking door samenwerkingsverbanden aan.", "bill", "bill-pending"),
    ("De Eerste Kamer nam de Wet betaalbare huur in juni aan.", "law", "adopted"),
    ("Sinds 1 januari 2024 geldt de Wet minimumbelasting 2024.", "law", "in-force"),
    ("Het tweede wetsvoorstel, de Asielnoodmaatregelenwet (ANMW), bevat maatregelen.", "bill", "bill-pending"),
    ("Het ging om het afronden van onderhandelingen voor het nieuwe Europese anti-witwaspakket.", "eu-package", "adopted"),
    ("Het gaat om de in 2023 voorgestelde herziene Richtlijn bestrijding mensensmokkel.", "eu-directive", "proposal"),
    ("Sinds april is de Verordening infrastructuur voor alternatieve brandstoffen van toepassing.", "eu-regulation", "in-force"),
]


@pytest.mark.parametrize("sentence,subkind,status", STAGES, ids=[s[0][:40] for s in STAGES])
def test_stage_from_the_clause(sentence, subkind, status):
    cands = legal.find(sentence, 0, 0)
    assert cands, sentence
    longest = max(cands, key=lambda c: c.end - c.start)
    assert (longest.subkind, longest.status) == (subkind, status)


def test_no_implements_for_a_purpose_clause():
    """"zetten we in om ... te": a purpose, not a transposition."""
    ents = {("legal", "wet-x"): _ent("wet-x", "Law"), ("legal", "richtlijn-y"): _ent("richtlijn-y", "EUDirective")}
    s = "Met de Wet X zetten we in op handhaving om de Richtlijn Y na te leven en om boetes te voorkomen."
    ms = [Mention("legal", "wet-x", 7, 12, "Wet X", 0), Mention("legal", "richtlijn-y", 50, 61, "Richtlijn Y", 0)]
    assert relations.implements([(0, s, ms)], ents) == []


def test_no_implements_with_an_act_of_an_earlier_sentence_not_referred_to():
    ents = {("legal", "wet-x"): _ent("wet-x", "Law"), ("legal", "richtlijn-y"): _ent("richtlijn-y", "EUDirective")}
    s1, s2 = "De Richtlijn Y geldt sinds 2024.", "De invoering van de Wet X kostte tijd."
    m1 = Mention("legal", "richtlijn-y", 3, 14, "Richtlijn Y", 0)
    m2 = Mention("legal", "wet-x", 100 + 20, 100 + 25, "Wet X", 100)
    assert relations.implements([(0, s1, [m1]), (100, s2, [m2])], ents) == []
    s2 = "De implementatie van deze richtlijn in de Wet X kostte tijd."
    m2 = Mention("legal", "wet-x", 100 + 42, 100 + 47, "Wet X", 100)
    assert len(relations.implements([(0, s1, [m1]), (100, s2, [m2])], ents)) == 1


def test_implements_an_eu_regulation_through_daarmee():
    """"Sinds juli geldt de Wet X. Daarmee voeren we de Verordening Y uit.": the law carries out the regulation."""
    ents = {("legal", "wet-x"): _ent("wet-x", "Law"), ("legal", "verordening-y"): _ent("verordening-y", "EURegulation")}
    s1, s2 = "Sinds juli geldt de Wet X.", "Daarmee voeren we de Verordening Y uit."
    m1 = Mention("legal", "wet-x", 20, 25, "Wet X", 0)
    m2 = Mention("legal", "verordening-y", 100 + 21, 100 + 34, "Verordening Y", 100)
    rel = relations.implements([(0, s1, [m1]), (100, s2, [m2])], ents)
    assert [(r.subject, r.object) for r in rel] == [(("legal", "wet-x"), ("legal", "verordening-y"))]
