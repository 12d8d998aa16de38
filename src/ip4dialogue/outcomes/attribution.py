"""The Chatham House check on a rapporteur's outcome summary, run before an owner approves it.

Under the Chatham House Rule what was said may be reported, but not who said it nor anything
that points at them. A summary is read against the dialogue's people: their names, their
organisations, statements pinned on someone specific, and combinations of country and role
held by so few of them that naming the combination names the person. Each finding comes with
neutral wording built from region and sector, never from a name or a country, so the
rapporteur can swap it in. Pure text work: no database and no Flask, so any page or job can
run it.
"""

import bisect
import enum
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace


class FlagKind(enum.StrEnum):
    NAME = "name"  # a participant's or speaker's full name or a part of it
    AFFILIATION = "affiliation"  # their organisation, or its acronym
    QUOTE = "quote"  # a statement attributed to a specific someone: "X said", "according to X"
    IDENTIFYING = "identifying"  # a combination that points at few people: country + sector/role


@dataclass(frozen=True)
class Person:
    name: str  # "" once erased: an erased person matches nothing
    affiliation: str = ""
    position: str = ""  # e.g. "Deputy Director-General", "Ambassador", "Senior Fellow"
    country: str | None = None  # as stored, e.g. "Japan", "Republic of Korea", "United States"
    group: str | None = None  # "ip4", "nato" or "other" (the country's group)
    sector: str | None = None  # a Sector value: "government", "armed_forces", "think_tank" ...


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    start: int  # character offsets into the checked text: text[start:end] is the excerpt
    end: int
    excerpt: str
    reason: str  # one sentence a rapporteur understands, repeating nothing beyond the excerpt
    suggestion: str  # neutral wording to use instead, in lower case as if mid-sentence


# Neutral wording: region and sector are shared by many people in the room, a country often not.


@dataclass(frozen=True)
class _Region:
    adjective: str  # "an Indo-Pacific government"
    place: str  # "a scholar from the Indo-Pacific"


@dataclass(frozen=True)
class _SectorWords:
    alone: str  # the person when their region is unknown
    regional: str | None  # with {an_adjective}, {adjective} or {place}; None: no region
    institution: str  # what their organisation is: "think tank"


_REGIONS = {
    "ip4": _Region("Indo-Pacific", "the Indo-Pacific"),
    "nato": _Region("Euro-Atlantic", "the Euro-Atlantic area"),
}
_SECTORS = {
    "government": _SectorWords(
        "a government official", "a participant from {an_adjective} government", "government"
    ),
    "armed_forces": _SectorWords(
        "a serving officer", "a serving officer from {an_adjective} country", "military"
    ),
    "parliament": _SectorWords(
        "a parliamentarian", "a parliamentarian from {an_adjective} country", "parliament"
    ),
    "think_tank": _SectorWords("a scholar", "a scholar from {place}", "think tank"),
    "industry": _SectorWords(
        "an industry representative", "a participant from {adjective} industry", "company"
    ),
    "international_organisation": _SectorWords(
        "a participant from an international organisation", None, "international organisation"
    ),
    "media": _SectorWords("a journalist", "a journalist from {place}", "media outlet"),
    "civil_society": _SectorWords(
        "a participant from civil society",
        "a participant from {adjective} civil society",
        "non-governmental organisation",
    ),
}
_ANY_SECTOR = _SectorWords("a participant", "a participant from {place}", "organisation")

_ACRONYM_START = re.compile(r"[A-Z](?:[A-Z]|\b)")
_VOWEL_SOUND = re.compile(r"(?!eu|uni|use|one)[aeiou]", re.IGNORECASE)


def _with_article(phrase: str) -> str:
    """The phrase after "a" or "an", by its sound: "an MP", "an Indo-Pacific", "a Euro-Atlantic"."""
    if _ACRONYM_START.match(phrase):
        vowel_sound = phrase[0] in "AEFHILMNORSX"
    else:
        vowel_sound = _VOWEL_SOUND.match(phrase) is not None
    return f"{'an' if vowel_sound else 'a'} {phrase}"


def _words_for(person: Person) -> tuple[_SectorWords, _Region | None]:
    words = _SECTORS.get(person.sector or "", _ANY_SECTOR)
    region = _REGIONS.get(person.group or "") if words.regional else None
    return words, region


def neutral_description(person: Person) -> str:
    """Who someone is in words many people in the room fit: the region of their country's
    group and their sector, never the country, which in a small room can name them."""
    words, region = _words_for(person)
    if region is None or words.regional is None:
        return words.alone
    return words.regional.format(
        an_adjective=_with_article(region.adjective),
        adjective=region.adjective,
        place=region.place,
    )


def _institution(person: Person) -> str:
    """Their organisation as a kind ("an Indo-Pacific think tank"), so the sentence still reads."""
    words, region = _words_for(person)
    noun = words.institution if region is None else f"{region.adjective} {words.institution}"
    return _with_article(noun)


# Folding: "Muller" finds "Müller", while every folded character remembers where it came from.

_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "’": "'",
        "ʼ": "'",
        "\u2010": "-",
        "\u2011": "-",
    }
)
_ACCENTS = re.compile("[\u0300-\u036f]")


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """The character without accents; recomposed, so Hangul syllables stay whole."""
    if char.isascii():
        return char
    bare = _ACCENTS.sub("", unicodedata.normalize("NFD", char.translate(_FOLDS)))
    return unicodedata.normalize("NFC", bare)


def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    """The folded text and, for each folded character (and its end), its offset in `text`."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    origin.append(len(text))
    return "".join(pieces), tuple(origin)


@functools.lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    return _fold(text)[0]


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _word_set(words: str) -> frozenset[str]:
    """A list of words kept as prose, wrapped like the text it is."""
    return frozenset(words.split())


# Sentences: identifying combinations count within one, and a common word opening one is a word.

_SENTENCE_BREAK = re.compile(r"(?<!\S)(?P<word>\S*?)[.!?…]+[\"”')\]]*(?=\s|\Z)|\n")
_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.)*[A-Za-z]|Dr|Mr|Mrs|Ms|Mx|Prof|Gen|Adm|Col|Lt|Capt|Cdr|Sen|Amb|St|Jr|Sr|vs|cf"
)
_OPENERS = "\"“'(["
_LEAD_IN = re.compile(r"[\s\"“'(\[«•*\-–—]*")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans; "U.S." or "Dr." ends none, a line break ends one (headings, bullets)."""
    start = 0
    for end in _SENTENCE_BREAK.finditer(text):
        word = end.group("word")
        if word is None or not _ABBREVIATION.fullmatch(word.lstrip(_OPENERS)):
            yield start, end.end()
            start = end.end()
    yield start, len(text)


@dataclass(frozen=True)
class _Text:
    """The checked text, folded for matching, with the way back to the rapporteur's offsets."""

    original: str
    folded: str
    lowered: str  # for a quick look whether a word is there at all
    origin: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str) -> "_Text":
        folded, origin = _fold(text)
        return cls(text, folded, folded.casefold(), origin, tuple(_sentences(folded)))

    def slice(self, start: int, end: int) -> str:
        return self.original[self.origin[start] : self.origin[end]]

    def flag(self, kind: FlagKind, start: int, end: int, reason: str, suggestion: str) -> Flag:
        """A flag for folded offsets; it ends after the last character, accents included."""
        first = self.origin[start]
        last = max(self.origin[end], self.origin[end - 1] + 1)
        return Flag(kind, first, last, self.original[first:last], reason, suggestion)

    def starts_sentence(self, index: int) -> bool:
        """Whether only spaces, quotes, brackets or a bullet come before `index` in its sentence."""
        which = bisect.bisect_right(self.sentences, index, key=lambda sentence: sentence[0]) - 1
        return _LEAD_IN.fullmatch(self.folded, self.sentences[which][0], index) is not None


@dataclass(frozen=True)
class _Search:
    """A pattern, run only on texts that hold one of its needles (lower case): most people are
    not mentioned in a summary, and a substring test spares running their patterns at all."""

    pattern: re.Pattern[str]
    needles: frozenset[str]

    def finditer(self, text: _Text) -> Iterator[re.Match[str]]:
        if any(needle in text.lowered for needle in self.needles):
            yield from self.pattern.finditer(text.folded)


# Names.

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_RANGES}]")
_GAP = r"[^\S\n]+"
_HONORIFIC = (
    r"(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Sir|Dame|Ambassador|General|Admiral|Colonel|Captain"
    r"|Minister|Senator)\.?"
)
_TITLE = rf"(?:(?<!\w)(?P<title>{_HONORIFIC}){_GAP})?"  # part of the match: "Dr Kim" goes whole
_NAME_WORD = re.compile(r"\w[\w'.-]*")
_PARTICLES = _word_set(
    "van von de der den del della da di du dos das le la ter ten bin binti ibn al el "
    "dr prof jr sr mr ms mrs mx sir dame"
)
# Surnames and given names that are also English words: taken for the word when they open a
# sentence ("Young leaders were ...") unless another part of the name follows.
_COMMON_WORDS = _word_set(
    "young rose hope long grant park may will mark bill frank grace joy faith king brown white "
    "black green grey gray hill wood stone bell hall field little strong rich page moon song sun "
    "son won oh an do so ha ma hunt fox sharp love"
)


def _bounded(body: str, phrase: str) -> str:
    """Whole words in alphabetic scripts; a substring in CJK, whose words are not spaced."""
    before = "" if _CJK.match(phrase[0]) else r"(?<!\w)"
    after = "" if _CJK.match(phrase[-1]) else r"(?!\w)"
    return before + body + after


def _phrase(words: Sequence[str]) -> str:
    """The words in order with any spacing between them; CJK words may also run together."""
    pattern = re.escape(words[0])
    for previous, word in itertools.pairwise(words):
        together = _CJK.match(previous[-1]) and _CJK.match(word[0])
        pattern += (r"\s*" if together else r"\s+") + re.escape(word)
    return _bounded(pattern, " ".join(words))


def _capitalised(word: str) -> str:
    """A name part as names are written, capital first: "Park" and "PARK", never "park"."""
    return _bounded(re.escape(word[0].upper()) + f"(?i:{re.escape(word[1:])})", word)


@dataclass(frozen=True)
class _Parts:
    search: _Search  # one part on its own, possibly after a title
    next_part: re.Pattern[str]  # another part straight after one


@dataclass(frozen=True)
class _NameMatcher:
    full: str  # the folded name, to tell a whole one-word name from a part
    whole: _Search | None  # the full name in either order ("Yamada Taro"), any case
    parts: _Parts | None


@functools.lru_cache(maxsize=1024)
def _name_matcher(name: str) -> _NameMatcher:
    """The patterns for one name, made once: a summary is checked on every save."""
    words = [word.rstrip(".-'") for word in _NAME_WORD.findall(_plain(name))]
    words = [word for word in words if word]
    units = {
        unit
        for word in words
        for unit in (word, *word.split("-"))
        if _letters(unit) >= 2 and unit.casefold() not in _PARTICLES
    }
    whole = None
    if len(words) >= 2 and _letters(name) >= 2:
        orders = "|".join(dict.fromkeys((_phrase(words), _phrase([*words[1:], words[0]]))))
        pattern = re.compile(rf"(?-i:{_TITLE})(?:{orders})", re.IGNORECASE)
        whole = _Search(pattern, frozenset({words[0].casefold()}))
    return _NameMatcher(" ".join(words), whole, _parts(units) if units else None)


def _parts(units: set[str]) -> _Parts:
    """Any one of the parts, longest first so "Min-jun" wins over "Min"."""
    alternatives = "|".join(_capitalised(unit) for unit in sorted(units, key=len, reverse=True))
    return _Parts(
        _Search(
            re.compile(rf"{_TITLE}(?P<part>{alternatives})"),
            frozenset(unit.casefold() for unit in units),
        ),
        re.compile(rf"(?:{_GAP}|-)(?:{alternatives})"),
    )


def _is_name(text: _Text, parts: _Parts, match: re.Match[str]) -> bool:
    """A part that is a common word opening a sentence is the word, unless a title or another
    part of the name goes with it."""
    return (
        match.group("title") is not None
        or match.group("part").casefold() not in _COMMON_WORDS
        or not text.starts_sentence(match.start())
        or parts.next_part.match(text.folded, match.end()) is not None
    )


def _name_flags(text: _Text, person: Person) -> Iterator[Flag]:
    matcher = _name_matcher(person.name)
    suggestion = neutral_description(person)
    if matcher.whole is not None:
        for match in matcher.whole.finditer(text):
            yield text.flag(FlagKind.NAME, *match.span(), "Names a participant.", suggestion)
    if matcher.parts is not None:
        for match in matcher.parts.search.finditer(text):
            if _is_name(text, matcher.parts, match):
                alone = match.group("part").casefold() == matcher.full.casefold()
                reason = "Names a participant." if alone else "Part of a participant's name."
                yield text.flag(FlagKind.NAME, *match.span(), reason, suggestion)


# Countries: every one in seed/countries.yaml, by name, short forms and demonyms.


@dataclass(frozen=True)
class _Country:
    name: str
    demonyms: tuple[str, ...]  # the first reads in a reason: "few participants are Korean ..."
    aliases: tuple[str, ...] = ()


_COUNTRIES = (
    _Country("Albania", ("Albanian",)),
    _Country("Australia", ("Australian",)),
    _Country("Austria", ("Austrian",)),
    _Country("Belgium", ("Belgian",)),
    _Country("Brunei", ("Bruneian",), ("Brunei Darussalam",)),
    _Country("Bulgaria", ("Bulgarian",)),
    _Country("Canada", ("Canadian",)),
    _Country("Croatia", ("Croatian",)),
    _Country("Cyprus", ("Cypriot",)),
    _Country("Czechia", ("Czech",), ("Czech Republic",)),
    _Country("Denmark", ("Danish",)),
    _Country("Estonia", ("Estonian",)),
    _Country("Fiji", ("Fijian",)),
    _Country("Finland", ("Finnish",)),
    _Country("France", ("French",)),
    _Country("Georgia", ("Georgian",)),
    _Country("Germany", ("German",)),
    _Country("Greece", ("Greek",)),
    _Country("Hungary", ("Hungarian",)),
    _Country("Iceland", ("Icelandic",)),
    _Country("India", ("Indian",)),
    _Country("Indonesia", ("Indonesian",)),
    _Country("Ireland", ("Irish",)),
    _Country("Italy", ("Italian",)),
    _Country("Japan", ("Japanese",)),
    _Country("Latvia", ("Latvian",)),
    _Country("Lithuania", ("Lithuanian",)),
    _Country("Luxembourg", ("Luxembourgish", "Luxembourger")),
    _Country("Malaysia", ("Malaysian",)),
    _Country("Malta", ("Maltese",)),
    _Country("Moldova", ("Moldovan",)),
    _Country("Mongolia", ("Mongolian",)),
    _Country("Montenegro", ("Montenegrin",)),
    _Country("Netherlands", ("Dutch",), ("Holland",)),
    _Country("New Zealand", ("New Zealand", "New Zealander"), ("NZ",)),
    _Country("North Korea", ("North Korean",), ("DPRK",)),  # so "North Korean" is not Korean
    _Country("North Macedonia", ("North Macedonian", "Macedonian"), ("Macedonia",)),
    _Country("Norway", ("Norwegian",)),
    _Country("Papua New Guinea", ("Papua New Guinean",), ("PNG",)),
    _Country("Philippines", ("Filipino", "Philippine")),
    _Country("Poland", ("Polish",)),
    _Country("Portugal", ("Portuguese",)),
    _Country("Romania", ("Romanian",)),
    _Country("Singapore", ("Singaporean",)),
    _Country("Slovakia", ("Slovak", "Slovakian")),
    _Country("Slovenia", ("Slovenian", "Slovene")),
    _Country(
        "South Korea", ("Korean", "South Korean"), ("Republic of Korea", "Korea", "ROK", "R.O.K.")
    ),
    _Country("Spain", ("Spanish",)),
    _Country("Sweden", ("Swedish",)),
    _Country("Switzerland", ("Swiss",)),
    _Country("Taiwan", ("Taiwanese",)),
    _Country("Thailand", ("Thai",)),
    _Country("Türkiye", ("Turkish",), ("Turkey",)),
    _Country("Ukraine", ("Ukrainian",)),
    _Country("United Kingdom", ("British",), ("UK", "U.K.", "Britain", "Great Britain", "England")),
    _Country(
        "United States",
        ("American",),
        ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    ),
    _Country("Viet Nam", ("Vietnamese",), ("Vietnam",)),
)
_COUNTRY_BY_WORD = {
    _plain(word): country
    for country in _COUNTRIES
    for word in (country.name, *country.aliases, *country.demonyms)
}
_COUNTRY_BY_NAME = {
    _plain(name).casefold(): country
    for country in _COUNTRIES
    for name in (country.name, *country.aliases)
}
_COUNTRY_MENTION = re.compile(
    "|".join(_phrase(word.split()) for word in sorted(_COUNTRY_BY_WORD, key=len, reverse=True))
)


def _country_of(person: Person) -> _Country | None:
    return _COUNTRY_BY_NAME.get(" ".join(_plain(person.country or "").split()).casefold())


def _key(match: re.Match[str]) -> str:
    """The matched words as a table writes them, whatever spacing the text had."""
    return " ".join(match.group().split())


# Affiliations.

_BRACKETED = re.compile(r"\(([^()]*)\)")
_ACRONYM = re.compile(r"\w[\w&.-]*\w")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "in", "on"})
# The dialogue's own subjects and countries are not anyone's organisation, nor is having none.
_NOT_ORGANISATIONS = frozenset(
    {
        "nato",
        "north atlantic treaty organization",
        "north atlantic treaty organisation",
        "ip4",
        "eu",
        "european union",
        "independent",
        "retired",
        "self-employed",
        "freelance",
        "none",
        *(word.casefold() for word in _COUNTRY_BY_WORD),
    }
)


def _initials(name: str) -> str:
    """Initials of the capitalised significant words, as in JIIA for the Japan Institute of
    International Affairs; "" when fewer than three, too short to tell an organisation."""
    initials = "".join(
        word[0]
        for word in name.split()
        if word.casefold() not in _MINOR_WORDS and word[0].isupper()
    )
    return initials if len(initials) >= 3 else ""


def _is_organisation(form: str) -> bool:
    return _letters(form) >= 2 and form.casefold() not in _NOT_ORGANISATIONS


@functools.lru_cache(maxsize=1024)
def _affiliation_searches(affiliation: str) -> tuple[_Search, ...]:
    """The affiliation as written and without its bracketed acronym, in any case; and its
    acronyms, bracketed or made of initials, as written."""
    written = " ".join(_plain(affiliation).split())
    if len(written) < 3:
        return ()
    bare = " ".join(_BRACKETED.sub(" ", written).split())
    names = {form for form in (written, bare) if len(form) >= 3 and _is_organisation(form)}
    bracketed = (inner.strip() for inner in _BRACKETED.findall(written))
    acronyms = {
        acronym
        for acronym in (*bracketed, _initials(bare))
        if _ACRONYM.fullmatch(acronym) and _is_organisation(acronym)
    }
    searches = []
    if names:
        longest_first = sorted(names, key=len, reverse=True)
        forms = "|".join(_phrase(form.split()) for form in longest_first)
        first_words = frozenset(form.split()[0].casefold() for form in names)
        searches.append(_Search(re.compile(forms, re.IGNORECASE), first_words))
    if acronyms:
        pattern = "|".join(_bounded(re.escape(acronym), acronym) for acronym in sorted(acronyms))
        needles = frozenset(acronym.casefold() for acronym in acronyms)
        searches.append(_Search(re.compile(pattern), needles))
    return tuple(searches)


def _affiliation_flags(text: _Text, person: Person) -> Iterator[Flag]:
    suggestion = _institution(person)
    for search in _affiliation_searches(person.affiliation):
        for match in search.finditer(text):
            yield text.flag(
                FlagKind.AFFILIATION,
                *match.span(),
                "Names a participant's organisation.",
                suggestion,
            )


# Quotes: a statement pinned on someone specific. A capitalised subject is specific once the
# words capitalised only because they open a sentence are dropped ("Participants argued").

_SPEECH_VERBS = _word_set(
    "said says argued argues noted notes stated states told tells warned warns suggested "
    "suggests insisted insists remarked remarks claimed claims observed observes stressed "
    "stresses added adds explained explains emphasised emphasises emphasized emphasizes "
    "cautioned cautions replied"
)
_VERB = rf"(?:{'|'.join(sorted(_SPEECH_VERBS))})(?!\w)"
_NEUTRAL_LEADS = _word_set(
    "a an the he she they we it i you one some many several others other most all both each "
    "another few participants participant speakers experts panellists panelists attendees "
    "delegates members observers this that these those there then when while but and also yet "
    "however still later instead meanwhile finally first second as in on at for if so thus "
    "here everyone someone somebody nobody no none such his her their its our my after before "
    "although though because since where today"
)
_PROPER_WORD = (
    r"(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Gen|Adm|Col|Lt|Capt|Sen|Amb|St)\.|[A-Z]\.(?:[A-Z]\.)*"
    rf"|[A-Z](?:[\w-]|'(?=\w)(?!s(?!\w)))*|[{_CJK_RANGES}]+)"
)
_PROPER = (
    rf"{_PROPER_WORD}(?:{_GAP}(?:(?:and|&|of|de|van|von|der|bin|al|da|di|le|la){_GAP})?"
    rf"{_PROPER_WORD}){{0,5}}"  # bounded, or a long run of capitals would take quadratic time
)
# The chair, moderator and speakers are named in the agenda; ranks are few in any one room.
_DEFINITE_ROLES = (
    r"chair(?:man|woman|person)?|co-chair|moderator|host|keynote(?: speaker)?|speaker"
    r"|panell?ist|presenter|discussant|ambassador|minister|general|admiral|colonel|commander"
    r"|director(?:-general)?|president|envoy|secretary-general"
)
_DEFINITE = (
    rf"(?P<definite>[Tt]he{_GAP}(?:(?!(?:a|an|and|or|of|the)\b)[\w'-]+{_GAP}){{0,3}}?"
    rf"(?i:{_DEFINITE_ROLES})(?![\w-]))"
)
_SUBJECT = rf"(?P<subject>{_DEFINITE}|{_PROPER})"
_ASIDE = rf"(?:{_GAP}(?:also|later|then|further|again|has|had|have|once|[a-z]+ly))"
_QUOTES = (
    re.compile(rf"(?<![\w-]){_SUBJECT}{_ASIDE}{{0,2}}{_GAP}{_VERB}"),
    re.compile(rf"(?<!\w)[Aa]ccording{_GAP}to{_GAP}{_SUBJECT}"),
    re.compile(rf"(?<!\w)[Aa]s{_GAP}{_SUBJECT}{_GAP}put{_GAP}it(?!\w)"),
    re.compile(
        rf"(?<!\w)[Ii]n{_GAP}{_SUBJECT}(?P<possessive>'s?)(?:{_GAP}own)?{_GAP}"
        r"(?:words|view|opinion)(?!\w)"
    ),
    re.compile(rf"(?<=[,\"”] ){_VERB}{_GAP}{_SUBJECT}"),  # "We must act," said Tanaka.
)
_PLURAL = re.compile(rf"{_GAP}(?:and|&){_GAP}")
_WORD = re.compile(r"\S+")


def _named_start(text: str, start: int, end: int) -> int | None:
    """Where a capitalised subject starts once the words capitalised only because they open
    a sentence ("Then", "Participants") are dropped; None if nothing is left."""
    for word in _WORD.finditer(text, start, end):
        if word.group().casefold() not in _NEUTRAL_LEADS:
            return word.start()
    return None


def _quote_flag(text: _Text, match: re.Match[str]) -> Flag | None:
    """The quote with its subject made neutral ("a participant said", "participants argued"),
    or None when the subject was neutral already."""
    subject_start, subject_end = match.span("subject")
    if match.group("definite") is None:
        named = _named_start(text.folded, subject_start, subject_end)
        if named is None:
            return None
        subject_start = named
    start = subject_start if match.start("subject") == match.start() else match.start()
    plural = _PLURAL.search(text.folded, subject_start, subject_end) is not None
    if match.groupdict().get("possessive"):
        subject_end = match.end("possessive")
        apostrophe = text.slice(match.start("possessive"), match.start("possessive") + 1)
        neutral = f"participants{apostrophe}" if plural else f"a participant{apostrophe}s"
    else:
        neutral = "participants" if plural else "a participant"
    suggestion = text.slice(start, subject_start) + neutral + text.slice(subject_end, match.end())
    return text.flag(
        FlagKind.QUOTE,
        start,
        match.end(),
        "Attributes a statement to a specific person.",
        suggestion,
    )


def _quote_flags(text: _Text) -> Iterator[Flag]:
    for pattern in _QUOTES:
        for match in pattern.finditer(text.folded):
            flag = _quote_flag(text, match)
            if flag is not None:
                yield flag


# Identifying combinations: a country and a role in one sentence, held by few in the room.


@dataclass(frozen=True)
class _Role:
    singular: str
    plural: str
    sector: str | None = None  # held by the sector's people; None: by a position with this title


_ROLES = (
    _Role("official", "officials", "government"),
    _Role("diplomat", "diplomats", "government"),
    _Role("civil servant", "civil servants", "government"),
    _Role("ministry", "ministries", "government"),
    _Role("officer", "officers", "armed_forces"),
    _Role("parliamentarian", "parliamentarians", "parliament"),
    _Role("member of parliament", "members of parliament", "parliament"),
    _Role("MP", "MPs", "parliament"),
    _Role("lawmaker", "lawmakers", "parliament"),
    _Role("legislator", "legislators", "parliament"),
    _Role("senator", "senators", "parliament"),
    _Role("scholar", "scholars", "think_tank"),
    _Role("academic", "academics", "think_tank"),
    _Role("researcher", "researchers", "think_tank"),
    _Role("analyst", "analysts", "think_tank"),
    _Role("expert", "experts", "think_tank"),
    _Role("executive", "executives", "industry"),
    _Role("industry representative", "industry representatives", "industry"),
    _Role("journalist", "journalists", "media"),
    _Role("editor", "editors", "media"),
    _Role("reporter", "reporters", "media"),
    _Role("correspondent", "correspondents", "media"),
    _Role("activist", "activists", "civil_society"),
    _Role("ambassador", "ambassadors"),
    _Role("minister", "ministers"),
    _Role("general", "generals"),  # "Lieutenant General", not "Director-General"
    _Role("admiral", "admirals"),
    _Role("colonel", "colonels"),
    _Role("commander", "commanders"),
    _Role("professor", "professors"),
    _Role("director-general", "directors-general"),
)
_ROLE_BY_WORD = {word.casefold(): role for role in _ROLES for word in (role.singular, role.plural)}
_ROLE_WORD = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        re.escape(word).replace(r"\ ", r"\s+")
        for word in sorted(_ROLE_BY_WORD, key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)
_TITLE_IN_POSITION = {
    role.singular: re.compile(rf"(?<![\w-]){re.escape(role.singular)}(?![\w-])", re.IGNORECASE)
    for role in _ROLES
    if role.sector is None
}
_ARTICLE_BEFORE = re.compile(rf"(?<!\w)(?:[Aa]n?|[Tt]he|[Oo]ne){_GAP}\Z")


def _holds(person: Person, role: _Role) -> bool:
    if role.sector is not None:
        return person.sector == role.sector
    return _TITLE_IN_POSITION[role.singular].search(_plain(person.position)) is not None


def _room(people: Sequence[Person]) -> dict[str, list[Person]]:
    """The people by the country they come from, under its table name."""
    room: dict[str, list[Person]] = {}
    for person in people:
        country = _country_of(person)
        if country is not None:
            room.setdefault(country.name, []).append(person)
    return room


def _gap(first: re.Match[str], second: re.Match[str]) -> int:
    return max(first.start() - second.end(), second.start() - first.end())


def _identification(
    text: _Text,
    room: dict[str, list[Person]],
    mentions: Sequence[re.Match[str]],
    role_match: re.Match[str],
    rare_below: int,
) -> Flag | None:
    """The role with the nearest country mention that few people in the room combine."""
    role = _ROLE_BY_WORD[_key(role_match).casefold()]
    for mention in sorted(mentions, key=lambda mention: _gap(mention, role_match)):
        country = _COUNTRY_BY_WORD[_key(mention)]
        holders = [person for person in room.get(country.name, ()) if _holds(person, role)]
        if 0 < len(holders) < rare_below:
            return _identifying_flag(text, mention, role_match, country, holders[0].group)
    return None


def _identifying_flag(
    text: _Text,
    mention: re.Match[str],
    role_match: re.Match[str],
    country: _Country,
    group: str | None,
) -> Flag:
    """The flag from the country to the role, taking in an article before them so that the
    suggestion brings its own: "the Japanese ambassador" becomes "an Indo-Pacific ambassador"."""
    role = _ROLE_BY_WORD[_key(role_match).casefold()]
    start = min(mention.start(), role_match.start())
    article = _ARTICLE_BEFORE.search(text.folded, max(0, start - 8), start)
    noun = _key(role_match)
    region = _REGIONS.get(group or "")
    phrase = noun if region is None else f"{region.adjective} {noun}"
    plural = noun.casefold() == role.plural.casefold()
    return text.flag(
        FlagKind.IDENTIFYING,
        start if article is None else article.start(),
        max(mention.end(), role_match.end()),
        f"Identifies a person: few participants are {country.demonyms[0]} {role.plural}.",
        phrase if plural else _with_article(phrase),
    )


def _identifying_flags(
    text: _Text, room: dict[str, list[Person]], rare_below: int
) -> Iterator[Flag]:
    for start, end in text.sentences:
        mentions = list(_COUNTRY_MENTION.finditer(text.folded, start, end))
        if not mentions:
            continue
        for role_match in _ROLE_WORD.finditer(text.folded, start, end):
            flag = _identification(text, room, mentions, role_match, rare_below)
            if flag is not None:
                yield flag


# The check.

_PRECEDENCE = {
    FlagKind.QUOTE: 0,
    FlagKind.NAME: 1,
    FlagKind.IDENTIFYING: 2,
    FlagKind.AFFILIATION: 3,
}


def _joined(first: Flag, second: Flag, text: str) -> Flag:
    """One flag for two overlapping ones: the wider stands for both, stretched over both."""
    if second.end <= first.end:
        return first
    wider = first if first.end - first.start >= second.end - second.start else second
    return replace(wider, start=first.start, end=second.end, excerpt=text[first.start : second.end])


def _merged(flags: Sequence[Flag], text: str) -> list[Flag]:
    """Flags in order, none overlapping another, so each can be replaced on its own; of flags
    as wide as each other, a quote stands before a name, an identification, an affiliation."""
    merged: list[Flag] = []
    for flag in sorted(flags, key=lambda flag: (flag.start, -flag.end, _PRECEDENCE[flag.kind])):
        if merged and flag.start < merged[-1].end:
            merged[-1] = _joined(merged[-1], flag, text)
        else:
            merged.append(flag)
    return merged


def check(text: str, people: Sequence[Person], *, rare_below: int = 3) -> list[Flag]:
    """Everything in `text` that would attribute a statement to or identify one of `people`,
    sorted by start. A country and role shared by fewer than `rare_below` of them identifies.
    Erased people (no name) count for nothing."""
    present = [person for person in people if person.name.strip()]
    summary = _Text.of(text)
    found = [
        *(flag for person in present for flag in _name_flags(summary, person)),
        *(flag for person in present for flag in _affiliation_flags(summary, person)),
        *_quote_flags(summary),
        *_identifying_flags(summary, _room(present), rare_below),
    ]
    return _merged(found, text)


def mentions(text: str, person: Person) -> list[Flag]:
    """Where `text` names `person` (their name or a part of it), each mention on its own even
    inside a quote that `check` reports whole, last first: replacing each by its suggestion,
    in this order, takes the person's name out of the text."""
    if not person.name.strip():
        return []
    return sorted(_name_flags(_Text.of(text), person), key=lambda flag: flag.start, reverse=True)
