"""Legal instruments found by pattern: Dutch laws, bills, codes, AMvBs, treaties and EU acts.

Names the reference data lacks are found by their form (tests/gold/README.md §3 says what counts):
- compounds on ``-wet`` / ``Wetboek``: "Opiumwet", "Cyberbeveiligingswet", "Penitentiaire Beginselenwet",
  "Vreemdelingenwet 2000", "Innovatiewet Strafvordering"; generic ones with their complement
  ("Implementatiewet richtlijn duurzaamheidsrapportering"), never bare ("de Implementatiewet");
- ``Wet`` / ``Algemene wet`` + title: "Wet tegemoetkoming schade bij rampen", "Wet werkelijk rendement box 3" —
  the title runs to a clause boundary: punctuation, a finite verb (also the verb of an inverted clause, "Met
  de Wet X implementeren we"), "in consultatie", "door"/"naar" + an actor, a second law name ...;
- ``wetsvoorstel`` + name: "wetsvoorstel Ondermijning II", "wetsvoorstel verhogen strafmaat drugsdelicten" —
  the word belongs to the name, unless a law title follows ("het wetsvoorstel Wet X": the title);
  a lower-case name in parentheses: "(eerste vaststellingswet)";
- AMvB's: "Besluit kwaliteit leefomgeving", "Bouwbesluit 2012", "Besluit van 12 maart 2024"; treaties:
  "Verdrag van Aarhus", "VN-Vrouwenverdrag";
- EU acts: "...richtlijn", "richtlijn X", "Richtlijn x y", "X-verordening", "X Verordening", "Verordening (EU)
  2024/1689", "Corporate Sustainability Reporting Directive", "Europees ... Pact", "Europese ...pakket"; an
  "Europese" before the name is part of the form; a parenthesised short name ("(de NIS2-richtlijn)") is the label.
A pattern candidate's stage (bill or law; in consultation, pending, adopted, in force; EU proposal) is read from
its clause where the clause says it.
"""

from __future__ import annotations

import re

from kg.extract.common import Candidate, clause_around

_SP = r"[ \u00a0]"
_CAPW = r"(?:[A-ZÀ-Ý][\w’'\-]*|[a-z]{1,2}[A-Z][\w\-]*)"
# words that end a law's title: finite verbs, clause openers, pronouns and time words (infinitives such as
# "maken" may be part of a title: "Wet gemeentelijke taak mogelijk maken asielopvangvoorzieningen")
STOP = frozenset(
    """is was zijn werd worden wordt werden heeft hebben had trad treedt treden gaat ging gingen kan kon
    konden moet moeten zal zullen zou zouden die dat dit deze om als alsnog ook nog niet wel aan
    we wij ik zij hij wetsvoorstel wetsvoorstellen
    en-of waarin waarmee waardoor waarbij hierover hiervan daarvan dient dienden diende nam namen stuurden
    stuurde brachten bracht ligt lag in-werking per sinds vanaf tot-en-met vallen valt geldt gelden
    voorziet regelt bevat betreft beoogt moest mocht konden liggen staan staat stond blijft bleef
    komt kwam krijgt kreeg vormt vormde maakt maakte geeft gaf zorgt zorgde biedt bood legt legde kent kende
    vraagt vroeg schrijft bepaalt bepaalde verbiedt stelt stelde vergt omvat dekt beschermt wijzigt vervangt
    verving noemt telt bracht ging gaan loopt liep
    """.split()
)
_CONNECTORS = frozenset("van de het der den en op in bij met voor ter tot een of aan uit over".split())
_TITLE_WORD = re.compile(r"[\w’'\-/]+")
_STOP_PAIRS = ("in werking", "in consultatie", "in de tweede", "in de eerste", "op basis", "in het kader", "in 20", "in 19",
               "op 1", "in januari", "met ingang", "in bij", "bij de tweede", "bij de eerste", "bij beide")
# a subject pronoun after a word makes that word the finite verb of an inverted clause: "Met de Wet X
# implementeren we ...", "Met het wetsvoorstel Y maken we ..." — the title ends before the verb
_PRONOUN_AFTER = re.compile(r"[\w’'\-]+[ \u00a0](?:we|wij|ik|zij|hij|men)\b")
# "door" ends a title before a named actor ("... aangenomen door de Tweede Kamer"), not inside one
# ("Wet allocatie arbeidskrachten door intermediairs")
_DOOR_ACTOR = re.compile(r"door[ \u00a0](?:(?:de|het)[ \u00a0])?[A-ZÀ-Ý]")
# a preposition with an article starts a phrase after a lower-case EU title ("Richtlijn hernieuwbare
# energie voor de vervoerssector"); without one it is part of the title ("... voor alternatieve brandstoffen")
_PREP_ARTICLE = re.compile(r"(?:voor|van|in|op|bij|met|over|tot|uit)[ \u00a0](?:de|het|een|deze|dit|die|ons|onze)\b")


# a past participle ("geëvalueerd", "aangenomen", "vastgesteld"); nouns on ge- ("geweld", "gezondheid") are not
_PARTICIPLE = re.compile(
    r"(?:aan|in|op|uit|vast|af|toe|over|door|mee|na|voor|bij|om|terug)?ge(?!weld$|bied$|luid$|zag$)[a-zà-ÿ]{3,}(?:d|t|en)(?<!heid)"
)


_PREP_QUANTIFIER = re.compile(r"(?:voor|van|in|op|bij|met|aan|tot|over|uit)[ \u00a0](?:alle|elke|iedere|ieder|veel|meer|sommige|enkele|zijn|haar|hun|ons|onze)\b")


def _title(text: str, pos: int, max_words: int = 14, prep_article_stops: bool = False) -> int:
    """End of a law title that starts at ``pos``: up to punctuation or a stop word."""
    end = pos
    i = pos
    count = 0
    prev = ""
    while count < max_words:
        m = _TITLE_WORD.match(text, i)
        if not m:
            break
        w = m.group().lower()
        rest = text[m.start():m.start() + 20].lower()
        if w in STOP or any(rest.startswith(p) for p in _STOP_PAIRS):
            break
        if count and _PRONOUN_AFTER.match(text, m.start()):
            break
        if w == "door" and _DOOR_ACTOR.match(text, m.start()):
            break
        if count and re.fullmatch(r"Wet|Wetboek|[A-ZÀ-Ý][\w’'\-]*wet", m.group()) and re.search(r"(?:^|[ \u00a0])(?:en|of)(?:[ \u00a0](?:de|het))?[ \u00a0]$", text[pos:m.start()]):
            break  # "de Wet X en de Wet Y": a second title
        if w == "naar" and not re.match(r"naar[ \u00a0](?!de\b|het\b|een\b|[A-ZÀ-Ý])\w", text[m.start():m.start() + 30]):
            break  # "... naar de Raad van State" ends a title; "Wet werk en inkomen naar arbeidsvermogen" does not
        if prep_article_stops and count and _PREP_ARTICLE.match(text, m.start()):
            break
        if count and _PREP_QUANTIFIER.match(text, m.start()):
            break  # "de Wet medische hulpmiddelen voor alle fabrikanten": a phrase about the law, not its title
        if count and _PARTICIPLE.fullmatch(m.group()) and (m.end() >= len(text) or text[m.end()] in ".,;:!?"):
            break  # "Zo is de Wet Markt en Overheid geëvalueerd.": a participle that closes the clause
        if re.match(r"\d", w) and not re.fullmatch(r"(?:19|20)\d\d", w):
            # "Wet werkelijk rendement box 3": a small number after a lower-case noun ends the title
            if count and re.fullmatch(r"\d{1,2}", w) and prev.isalpha() and prev.islower() and prev not in _CONNECTORS:
                end = m.end()
            break
        prev = m.group()
        end = m.end()
        count += 1
        if m.end() < len(text) and text[m.end()] not in " \u00a0":
            break  # punctuation (or a marker) after the word ends the title
        i = m.end() + 1
    # a title does not end on a connector
    while True:
        # ... nor on the particle of a separable verb: "voeren we de Verordening X uit."
        tail = re.search(r"[ \u00a0](van|de|het|der|en|op|in|bij|met|voor|ter|tot|een|uit|af|mee|toe|vast|terug|door|over)$", text[pos:end])
        if not tail:
            break
        end = pos + tail.start()
    return end


_COMPOUND_WET = re.compile(
    rf"(?:(?<![\w-])(?P<adj>[A-ZÀ-Ý]\w+(?:e|iaire)){_SP})?(?<![\w-])(?P<w>[A-ZÀ-Ý][\w’'\-]*?(?:wet|wetboek))(?![\w-])"
)
_WETBOEK = re.compile(rf"(?<![\w-])(?P<w>[Ww]etboek{_SP}van{_SP}(?:[A-ZÀ-Ý]\w+|[a-z]+))(?:{_SP}(?P<bes>BES|Sint Maarten))?")
_WET = re.compile(rf"(?<![\w-])(?P<w>Wet|wet)(?P<sp>{_SP})(?=\S)")
_BILL = re.compile(rf"(?<![\w-])(?P<t>[Ww]etsvoorstel(?:len)?)(?P<sp>{_SP})(?=\S)")
_EU_COMPOUND = re.compile(r"(?<![\w])(?P<w>(?:[A-Za-z0-9][\w\-]*?)[-]?(?P<h>richtlijn|verordening|[Gg]renscode)(?:en)?)(?![\w-])")
_EU_BEFORE = re.compile(rf"(?<![\w-])(?P<w>(?:[a-z]-)?{_CAPW}{_SP}(?P<h>Verordening|Richtlijn))(?![\w-])")
_EU_AFTER = re.compile(rf"(?<![\w-])(?P<w>(?:[Ee]uropese{_SP})?(?P<h>[Rr]ichtlijn|[Vv]erordening){_SP}(?P<n>(?:\(\w+\){_SP})?[A-ZÀ-Ý][\w\-]*(?:{_SP}(?:en|van|voor|[a-zà-ÿ]+|[A-ZÀ-Ý][\w\-]*)){{0,5}}))")
_PACT = re.compile(rf"(?<![\w-])(?P<w>(?:Europe(?:es|se){_SP})?(?:[A-ZÀ-Ý][\w\-]*{_SP}(?:en{_SP})?){{1,4}}Pact)(?![\w-])")
# "Cyberbeveiligingswet", "Asielnoodmaatregelenwet 2022": a name that is itself a law's title
_COMPOUND_TITLE = re.compile(r"[A-ZÀ-Ý][\w’'\-]*wet(?:{_SP}(?:19|20)\d\d)?$".replace("{_SP}", _SP))
# a bill named in parentheses after its description: "het eerste wetsvoorstel (eerste vaststellingswet)",
# "(Invoeringswet Omgevingswet)"; ordinals are part of such names
_ORDINAL = r"(?:eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende)"
_PAREN_WET = re.compile(rf"\((?P<w>(?:{_ORDINAL}{_SP})?[a-zà-ÿ][a-zà-ÿ\-]{{3,}}wet)\)")
# "het Europese anti-witwaspakket", "het EU-migratiepakket": a package of EU acts
# "de Richtlijn hernieuwbare energie", "de Verordening markten in cryptoactiva (MiCA)": a capitalised head
# followed by a lower-case title (a lower-case head with a lower-case phrase is a description, not a name)
_EU_HEAD_LOWER = re.compile(rf"(?<![\w-])(?P<w>(?:[Ee]uropese{_SP})?(?P<h>Richtlijn|Verordening){_SP}(?P<n>[a-zà-ÿ][\w’'\-]+))")
# English names: "Corporate Sustainability Reporting Directive", "Digital Operational Resilience Regulation"
_EU_ENGLISH = re.compile(rf"(?<![\w-])(?P<w>(?:(?:[A-Z][a-z]+|[A-Z]{{2,5}}){_SP}){{1,6}}(?P<h>Directive|Regulation|Act))(?![\w-])")
# generic compounds that need their complement: "Implementatiewet richtlijn duurzaamheidsrapportering",
# "Invoeringswet Omgevingswet", "Verzamelwet SZW 2025"
_GENERIC_HEADS = (r"(?:Implementatie|Invoerings|Aanpassings|Verzamel|Reparatie|Uitvoerings|Goedkeurings|Aanvullings|"
                  r"Vaststellings|Intrekkings|Wijzigings|Veeg|Spoed)wet")
_GENERIC_WET = re.compile(rf"(?<![\w-])(?P<w>{_GENERIC_HEADS}){_SP}(?=[\w])")
# "Algemene wet bestuursrecht", "Algemene wet inzake rijksbelastingen": "wet" in lower case inside a title
_ALGEMENE_WET = re.compile(rf"(?<![\w-])(?P<w>Algemene{_SP}wet){_SP}(?=[a-zà-ÿ])")
# orders in council (AMvB's): "Besluit kwaliteit leefomgeving", "Bouwbesluit 2012", "Vreemdelingenbesluit 2000"
_BESLUIT = re.compile(rf"(?<![\w-])(?P<w>Besluit){_SP}(?=[a-zà-ÿ])")
_DATED_DECREE = re.compile(
    rf"van{_SP}\d{{1,2}}{_SP}(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december){_SP}(?:19|20)\d\d"
)
_COMMA_TITLE = re.compile(rf"(?P<rest>,(?:{_SP}[a-zà-ÿ][\w\-]*){{1,3}}{_SP}en(?:{_SP}[a-zà-ÿ][\w\-]*){{1,4}}){_SP}\([A-Z][A-Za-z]{{1,9}}\)")
_COMPOUND_BESLUIT = re.compile(rf"(?<![\w-])(?P<w>[A-ZÀ-Ý][a-zà-ÿ\-]{{3,}}besluit)(?P<y>{_SP}(?:19|20)\d\d)?(?![\w-])")
# EU acts cited by number: "Verordening (EU) 2024/1689", "Richtlijn (EU) 2022/2464", "Richtlijn 2008/115/EG"
_EU_NUMBER = re.compile(
    rf"(?<![\w-])(?P<w>(?P<h>[Vv]erordening|[Rr]ichtlijn){_SP}(?:\((?:EU|EG|EEG|Euratom)\){_SP}(?:(?:nr\.|Nr\.){_SP})?\d{{2,4}}/\d{{1,4}}"
    rf"|\d{{2,4}}/\d{{1,4}}/(?:EU|EG|EEG)))(?![\w/])"
)
# treaties: "Verdrag van Aarhus", "VN-Vrouwenverdrag", "Europees Verdrag voor de Rechten van de Mens"
_VERDRAG = re.compile(
    rf"(?<![\w-])(?P<w>(?:(?:Europees|Internationaal){_SP})?Verdrag{_SP}(?:van|inzake|tegen|voor|betreffende|over){_SP}"
    rf"(?:(?:de|het){_SP})?[A-ZÀ-Ý][\w\-]*(?:{_SP}(?:van|voor|de|het|inzake|[A-ZÀ-Ý][\w\-]*)){{0,6}})"
)
_COMPOUND_VERDRAG = re.compile(r"(?<![\w-])(?P<w>(?:[A-Z]{2,}-)?[A-ZÀ-Ý][a-zà-ÿ\-]{3,}verdrag)(?![\w-])")
_EU_PACKAGE = re.compile(rf"(?<![\w-])(?P<w>(?:(?P<adj>Europe(?:se|es)){_SP}|EU-)(?P<n>[a-zà-ÿ][\w\-]*pakket))(?![\w-])")
# packages of money or measures, not of legislation: "het Europese steunpakket"
_NOT_LEGAL_PACKAGE = re.compile(r"(?:steun|hulp|herstel|maatregelen|investerings|compensatie|koopkracht|sanctie)-?pakket$")
# "richtlijn Veerkrachtige kritieke entiteiten (de CER-richtlijn)": the short name an EU act is given
_EU_SHORT_AFTER = re.compile(rf"^{_SP}?\((?:de|het){_SP}(?P<n>[\w\-]+-(?:richtlijn|verordening))\)")
_GENERIC_EU_PREFIX = frozenset("eu eu- de deze die nieuwe europese europees verschillende".split())


def _label(t: str) -> str:
    return t[0].upper() + t[1:] if len(t) > 1 and t[1].islower() else t


def _lower_bill_name(text: str, t_start: int, name: str) -> bool:
    """A lower-case name after "wetsvoorstel" that does not run to punctuation is still a name when the bill
    is definite ("het wetsvoorstel vlootvernieuwing binnenvaart naar ...") and the name is two or more words
    none of which is a participle ("een wetsvoorstel voorbereid dat ...", "het wetsvoorstel ingediend")."""
    words = name.split()
    if len(words) < 2 or any(re.fullmatch(r"ge\w+[dt]|\w+(?:end|ende)", w) for w in words):
        return False
    return re.search(rf"(?:^|[ \u00a0])(?:het|Het){_SP}$", text[:t_start]) is not None


def _bill_status(sentence: str) -> str:
    """A bill's stage where its sentence says it: put out to consultation, else pending."""
    return "in-consultation" if re.search(r"\bconsultatie\b", sentence) else "bill-pending"


def _with_europese(text: str, s: int) -> int:
    """Start of an EU act's name including an "Europese"/"Europees" the text puts before it."""
    b = re.search(rf"(?<![\w-])Europe(?:se|es){_SP}$", text[:s])
    return b.start() if b else s


_CLAUSE_END = re.compile(r"[;:]|,\s+(?:en|maar|waarna|terwijl|waarbij|zodat|omdat|zodra|als|wanneer)\s")
_NL_CLASSES = ("Law", "Bill")
_EU_CLASSES = ("EUDirective", "EURegulation", "EUAct")


def _clause_of(text: str, pos: int) -> str:
    return clause_around(text, pos, _CLAUSE_END)


def _stage(c: Candidate, clause: str) -> None:
    """The stage a clause states for an instrument found by pattern: a bill put out to consultation, sent to
    the Raad van State, submitted or adopted by the Tweede Kamer is pending; adopted by the Eerste Kamer it is
    adopted; "sinds ... geldt", "trad in werking" make it in force. EU acts: proposed, adopted, applicable."""
    cl = clause
    if c.cls in _NL_CLASSES and c.subkind in ("law", "bill"):
        if re.search(r"\bconsultatie", cl):
            c.subkind, c.cls, c.status = "bill", "Bill", "in-consultation"
        elif re.search(r"Raad van State", cl) and re.search(r"advi|aanb[oi]|stuurden|naar de Raad", cl):
            c.subkind, c.cls, c.status = "bill", "Bill", "bill-pending"
        elif re.search(r"Eerste Kamer|\bEK\b|[Bb]eide Kamers", cl) and re.search(r"\baan\b|aangenomen|stemde\w*\b.*\bin\b", cl):
            c.subkind, c.cls, c.status = "law", "Law", "adopted"
        elif re.search(r"Tweede Kamer|\bTK\b", cl) and re.search(r"aangenomen|\bnam\b.*\baan\b|ingediend|dienden\b.*\bin\b", cl):
            c.subkind, c.cls, c.status = "bill", "Bill", "bill-pending"
        elif re.search(r"ingediend|\bdienden\b.*\bin\b", cl):
            c.subkind, c.cls, c.status = "bill", "Bill", "bill-pending"
        elif re.search(r"in werking getreden|\btrad\b.*\bin werking|\bis\b.*\bin werking|\bgeldt\b|\bgelden\b|van toepassing", cl):
            c.status = "in-force"
        elif re.search(r"\b(?:is|werd|zijn|werden)\s+aangenomen\b", cl):
            c.status = "adopted"
    elif c.cls in _EU_CLASSES:
        if re.search(r"afronden van (?:de )?onderhandelingen|\bakkoord\b|overeenstemming|aangenomen|vastgesteld|gepubliceerd|publiceren", cl):
            c.status = "adopted"
        elif re.search(r"voorgesteld|\bvoorstel\b|onderhandel|presenteerde", cl):
            c.status = "proposal"
        elif re.search(r"van toepassing|van kracht|in werking|\bgeld(?:t|en)\b", cl):
            c.status = "in-force"


def _cand(kind_sub: str, cls: str, start: int, end: int, label: str, sstart: int, status: str | None = None) -> Candidate:
    return Candidate("legal", start, end, label, kind_sub, cls, None, "pattern", status, None, sstart)


# Every pattern below needs one of these words (in any case); a sentence with none of them is skipped.
_TRIGGERS = ("wet", "richtlijn", "verordening", "grenscode", "act", "directive", "regulation", "besluit", "verdrag",
             "pakket")


def find(text: str, offset: int, sstart: int) -> list[Candidate]:
    """Legal-instrument candidates in one sentence (absolute spans)."""
    out: list[Candidate] = []
    low = text.lower()
    if not any(t in low for t in _TRIGGERS):
        return out
    for m in _WETBOEK.finditer(text):
        s, e = m.start("w"), m.end()
        out.append(_cand("code", "Code", offset + s, offset + e, text[s:e][0].upper() + text[s + 1:e], sstart, "in-force"))
    for m in _COMPOUND_WET.finditer(text):
        w = m.group("w")
        if w.lower() in ("wet", "wetboek") or w.lower().endswith("wetboek") and w.lower() != "wetboek":
            continue
        s = m.start("adj") if m.group("adj") and m.start("adj") > 0 else m.start("w")
        e = m.end("w")
        # "Vreemdelingenwet 2000", "Innovatiewet Strafvordering"
        tail = re.match(rf"{_SP}((?:19|20)\d\d|[A-ZÀ-Ý][a-zà-ÿ]+(?:{_SP}[A-ZÀ-Ý][a-zà-ÿ]+)?)(?![\w-])", text[e:])
        if tail and not re.match(r"[ \u00a0](?:De|Het|Een|In|Op|Dit|Deze)\b", text[e:]):
            e += tail.end()
        if e == m.end("w") and re.fullmatch(_GENERIC_HEADS, w):
            continue  # a bare "Implementatiewet" refers to a law described elsewhere: no name
        label = text[s:e]
        out.append(_cand("law", "Law", offset + s, offset + e, label, sstart, "in-force"))
    for m in _WET.finditer(text):
        s = m.start("w")
        tpos = m.end()
        nxt = text[tpos:tpos + 40]
        lower = m.group("w") == "wet"
        if re.match(r"(?:en|of|-|is|was|moet|wordt|zijn|en regelgeving)\b", nxt):
            continue
        e = _title(text, tpos)
        if e <= tpos:
            continue
        if lower:
            # "de wet seksuele misdrijven." — lower-case only when the title runs to punctuation
            if e >= len(text) or text[e] not in ".,;:)" or len(text[tpos:e].split()) > 5:
                continue
        if m.group("w") == "Wet" and s == 0 and not re.match(r"[A-Z]|op |ter |tot |van |gemeentelijke|[a-z]+ [a-z]+", nxt):
            continue
        more = _COMMA_TITLE.match(text, e)
        if more:
            # "Wet kwaliteit, klachten en geschillen zorg (Wkkgz)": a comma inside a title that its
            # abbreviation closes
            e = more.end("rest")
        label = "Wet " + text[tpos:e]
        out.append(_cand("law", "Law", offset + s, offset + e, label, sstart, None))
    for m in _BILL.finditer(text):
        tpos = m.end()
        nxt = text[tpos:]
        if re.match(r"(?:Wet|wet)[ \u00a0]", nxt):
            # the bill's own title: mark the Wet candidate as a bill
            for c in out:
                if c.start == offset + tpos:
                    c.subkind, c.cls, c.status = "bill", "Bill", "bill-pending"
            continue
        if re.match(r"(?:om|in|voor|binnen|is|was|dat|die|naar|bij|aan|de|het|een|van|met|op|over|ter|tot|en|te|zijn|wordt|werd|brachten|dienden|\()\b", nxt) or not re.match(r"\w", nxt):
            continue
        e = _title(text, tpos, max_words=8)
        if e <= tpos:
            continue
        if nxt[:1].islower() and (e >= len(text) or text[e] not in ".,;:)") and not _lower_bill_name(text, m.start("t"), text[tpos:e]):
            continue
        name = text[tpos:e]
        if _COMPOUND_TITLE.match(name):
            # "wetsvoorstel Cyberbeveiligingswet": the bill's own title (found above) is the name
            for c in out:
                if c.start == offset + tpos:
                    c.subkind, c.cls, c.status = "bill", "Bill", "bill-pending"
            continue
        # "wetsvoorstel Ondermijning II", "wetsvoorstel verhogen strafmaat drugsdelicten": a short name only
        # identifies the bill together with the word "wetsvoorstel" (gold guidelines §3 (b))
        s = m.start("t")
        label = "Wetsvoorstel " + name
        out.append(_cand("bill", "Bill", offset + s, offset + e, label, sstart, _bill_status(text)))
    for m in _EU_COMPOUND.finditer(text):
        w = m.group("w")
        prefix = w[: m.start("h") - m.start("w")].rstrip("-").lower()
        if len(prefix) < 2 or prefix in _GENERIC_EU_PREFIX or prefix.endswith("eu"):
            continue
        h = m.group("h").lower()
        if h.endswith("grenscode"):
            sub, cls = "eu-regulation", "EURegulation"
        elif h == "richtlijn":
            sub, cls = "eu-directive", "EUDirective"
        else:
            sub, cls = "eu-regulation", "EURegulation"
        s, e = m.start("w"), m.end("w")
        if prefix == "kader":
            # a framework directive is named by its subject: "Kaderrichtlijn Water", "Kaderrichtlijn Mariene Strategie"
            subj = re.match(rf"{_SP}((?!(?:De|Het|Een|En|In|Op|Dit|Deze|Die)\b)[A-ZÀ-Ý][a-zà-ÿ]+(?:{_SP}[A-ZÀ-Ý][a-zà-ÿ]+)?)(?![\w-])", text[e:])
            if subj:
                e += subj.end()
        # "de nieuwe Europese confiscatierichtlijn": "Europese" is part of the name as written
        s = _with_europese(text, s)
        label = text[s:e]
        out.append(_cand(sub, cls, offset + s, offset + e, _label(label), sstart, "in-force"))
    for rx in (_EU_BEFORE, _EU_AFTER):
        for m in rx.finditer(text):
            s, e = m.start("w"), m.end("w")
            if rx is _EU_AFTER:
                n0 = m.start("n")
                e = _title(text, n0, 6)
                if e <= n0:
                    continue
            h = m.group("h").lower()
            sub, cls = ("eu-directive", "EUDirective") if h == "richtlijn" else ("eu-regulation", "EURegulation")
            if rx is _EU_BEFORE and text[s:e].split()[0].lower() in _GENERIC_EU_PREFIX:
                continue
            if rx is _EU_BEFORE and re.search(r"(?:wet|Wet|wetboek)$", text[s:e].split()[0]):
                continue  # "Uitvoeringswet Verordening herstel natuur": the head belongs to a law's title
            # the label starts at the head: "Europese Richtlijn Tijdelijke Bescherming" -> "Richtlijn Tijdelijke Bescherming"
            label = text[m.start("h"):e] if rx is _EU_AFTER else text[s:e]
            short = _EU_SHORT_AFTER.match(text[e:])
            if short:
                # a descriptive name followed by the act's short name: the short name is the label, so that
                # "richtlijn Netwerk- en informatiebeveiliging (de NIS2-richtlijn)" is the NIS2 directive
                label = short.group("n")
            out.append(_cand(sub, cls, offset + s, offset + e, _label(label), sstart, "in-force"))
    for m in _EU_HEAD_LOWER.finditer(text):
        s, n0 = m.start("w"), m.start("n")
        if m.group("n").lower() in STOP or m.group("n") in ("van", "de", "het", "voor", "over", "inzake", "betreffende", "tot", "en", "of"):
            continue  # "Verordening van ...": a description, not a title
        before = text[:m.start("w")].rstrip(" \u00a0")
        if before and not re.search(r"(?:^|[\s(])(?:de|het|der|den|De|Het)(?:[ \u00a0][a-z0-9][a-zà-ÿ0-9]*){0,4}$|[(:;,]$", before):
            continue  # "de eIDAS Verordening zorgden voor ...": the head closes a name, it does not open one
        e = _title(text, n0, 6, prep_article_stops=True)
        if e <= n0:
            continue
        h = m.group("h").lower()
        sub, cls = ("eu-directive", "EUDirective") if h == "richtlijn" else ("eu-regulation", "EURegulation")
        s = _with_europese(text, s)
        head = text[m.start("h"):e]
        out.append(_cand(sub, cls, offset + s, offset + e, _label(head), sstart, "in-force"))
    for m in _EU_ENGLISH.finditer(text):
        s, e = m.start("w"), m.end("w")
        first = m.group("w").split()[0]
        if s == 0 and first in ("The", "This", "A"):
            continue
        lead = re.match(rf"(?:(?:De|Het|Een|In|Op|Met|Van|Voor|Dit|Deze|Die|The|This|A|An|En|Ook|Zo|Als|Bij){_SP})+", text[s:e])
        if lead:
            s += lead.end()  # "De Digital Services Act": the article is not part of the name
        if m.group("h") == "Act" and len(text[s:e].split()) < 2:
            continue
        sub, cls = ("eu-directive", "EUDirective") if m.group("h") == "Directive" else ("eu-regulation", "EURegulation")
        out.append(_cand(sub, cls, offset + s, offset + e, text[s:e], sstart, "in-force"))
    for m in _GENERIC_WET.finditer(text):
        s, t0 = m.start("w"), m.end()
        e = _title(text, t0, 8)
        if e <= t0:
            continue
        out.append(_cand("law", "Law", offset + s, offset + e, text[s:e], sstart, None))
    for m in _ALGEMENE_WET.finditer(text):
        s, t0 = m.start("w"), m.end()
        e = _title(text, t0, 8)
        if e > t0:
            out.append(_cand("law", "Law", offset + s, offset + e, text[s:e], sstart, "in-force"))
    for m in _BESLUIT.finditer(text):
        s, t0 = m.start("w"), m.end()
        if s == 0:
            continue  # sentence-initial "Besluit ..." is more often a verb than a name
        dated = _DATED_DECREE.match(text, t0)
        if dated:
            # "Besluit van 12 maart 2024": a decree named by its date
            e = dated.end()
            out.append(_cand("amvb", "GeneralAdministrativeOrder", offset + s, offset + e, text[s:e], sstart, "in-force"))
            continue
        if re.match(r"van\b", text[t0:]):
            continue
        e = _title(text, t0, 8)
        if e > t0 and len(text[t0:e].split()) >= 1:
            out.append(_cand("amvb", "GeneralAdministrativeOrder", offset + s, offset + e, text[s:e], sstart, "in-force"))
    for m in _COMPOUND_BESLUIT.finditer(text):
        s, e = m.start("w"), m.end()
        if s == 0 and not m.group("y"):
            continue
        out.append(_cand("amvb", "GeneralAdministrativeOrder", offset + s, offset + e, text[s:e], sstart, "in-force"))
    for m in _EU_NUMBER.finditer(text):
        s, e = m.start("w"), m.end("w")
        sub, cls = ("eu-directive", "EUDirective") if m.group("h").lower() == "richtlijn" else ("eu-regulation", "EURegulation")
        out.append(_cand(sub, cls, offset + s, offset + e, _label(text[s:e]), sstart, "in-force"))
    for rx in (_VERDRAG, _COMPOUND_VERDRAG):
        for m in rx.finditer(text):
            s, e = m.start("w"), m.end("w")
            while True:  # a name does not end on a connector: "Verdrag van Aarhus van ..." -> "Verdrag van Aarhus"
                tail = re.search(r"[ \u00a0](?:van|voor|de|het|inzake)$", text[s:e])
                if not tail:
                    break
                e = s + tail.start()
            out.append(_cand("treaty", "Law", offset + s, offset + e, text[s:e], sstart, "in-force"))
    for m in _PACT.finditer(text):
        s, e = m.start("w"), m.end("w")
        out.append(_cand("eu-package", "EUAct", offset + s, offset + e, text[s:e], sstart, "adopted"))
    for m in _EU_PACKAGE.finditer(text):
        if _NOT_LEGAL_PACKAGE.search(m.group("n")):
            continue
        s, e = m.start("w"), m.end("w")
        # the label without article: "het Europese anti-witwaspakket" -> "Europees anti-witwaspakket" (het-word)
        label = ("Europees " + m.group("n")) if m.group("adj") else text[s:e]
        out.append(_cand("eu-package", "EUAct", offset + s, offset + e, label, sstart, "adopted"))
    for m in _PAREN_WET.finditer(text):
        # capitalised titles in parentheses are found by _COMPOUND_WET; these are the lower-case ones
        s, e = m.start("w"), m.end("w")
        out.append(_cand("bill", "Bill", offset + s, offset + e, _label(text[s:e]), sstart, _bill_status(text)))
    for c in out:
        _stage(c, _clause_of(text, c.start - offset))
        if c.cls in _NL_CLASSES and re.search(rf"[Ww]etsvoorstel,{_SP}(?:(?:de|het){_SP})?$", text[: c.start - offset]):
            c.subkind, c.cls = "bill", "Bill"  # "Het tweede wetsvoorstel, de Asielnoodmaatregelenwet (ANMW), ..."
            c.status = c.status if c.status in ("in-consultation", "bill-pending") else "bill-pending"
    return out
