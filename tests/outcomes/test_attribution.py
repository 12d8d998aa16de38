"""The non-attribution check on rapporteurs' summaries: what it flags, what it leaves alone,
the neutral wording it proposes, and that offsets always point at the flagged text."""

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ip4dialogue.outcomes.attribution import (
    Flag,
    FlagKind,
    Person,
    check,
    neutral_description,
)

SEED_COUNTRIES = yaml.safe_load(
    (Path(__file__).parents[2] / "seed" / "countries.yaml").read_text(encoding="utf-8")
)

KIM = Person(
    "Kim Min-jun",
    "Korea Institute for Defense Analyses",
    "Senior Research Fellow",
    "Republic of Korea",
    "ip4",
    "think_tank",
)
MULLER = Person(
    "Hans Müller", "Federal Foreign Office", "Director", "Germany", "nato", "government"
)
YOUNG = Person("Rose Young", "", "Ambassador", "Japan", "ip4", "government")
PARK = Person("Park Ji-won", "", "", "Republic of Korea", "ip4", "parliament")
ERASED = Person(
    "",
    "Japan Institute of International Affairs (JIIA)",
    "Ambassador",
    "Japan",
    "ip4",
    "government",
)


def japanese_officials(count: int) -> list[Person]:
    return [Person(f"Official{n}", "", "", "Japan", "ip4", "government") for n in range(count)]


def flags_in(text: str, people: list[Person], **options: int) -> list[Flag]:
    """The flags, checked to point at what they quote."""
    found = check(text, people, **options)
    for flag in found:
        assert text[flag.start : flag.end] == flag.excerpt
    return found


def excerpts(text: str, people: list[Person], kind: FlagKind | None = None) -> list[str]:
    return [flag.excerpt for flag in flags_in(text, people) if kind in (None, flag.kind)]


def only(text: str, people: list[Person]) -> Flag:
    (flag,) = flags_in(text, people)
    return flag


# Neutral descriptions


@pytest.mark.parametrize(
    ("group", "sector", "expected"),
    [
        ("ip4", "government", "a participant from an Indo-Pacific government"),
        ("nato", "government", "a participant from a Euro-Atlantic government"),
        ("nato", "armed_forces", "a serving officer from a Euro-Atlantic country"),
        ("ip4", "armed_forces", "a serving officer from an Indo-Pacific country"),
        ("ip4", "parliament", "a parliamentarian from an Indo-Pacific country"),
        ("ip4", "think_tank", "a scholar from the Indo-Pacific"),
        ("nato", "think_tank", "a scholar from the Euro-Atlantic area"),
        ("nato", "industry", "a participant from Euro-Atlantic industry"),
        ("ip4", "international_organisation", "a participant from an international organisation"),
        ("nato", "media", "a journalist from the Euro-Atlantic area"),
        ("ip4", "civil_society", "a participant from Indo-Pacific civil society"),
        ("ip4", None, "a participant from the Indo-Pacific"),
        ("other", "government", "a government official"),
        ("other", "industry", "an industry representative"),
        (None, "media", "a journalist"),
        (None, None, "a participant"),
    ],
)
def test_neutral_description_uses_region_and_sector_with_the_right_article(group, sector, expected):
    assert neutral_description(Person("Anyone", group=group, sector=sector)) == expected


def test_neutral_description_never_names_the_country_organisation_or_person():
    description = neutral_description(KIM)
    assert description == "a scholar from the Indo-Pacific"
    assert not {"Kim", "Korea", "Defense"} & set(description.split())


# Names


def test_a_full_name_is_flagged_with_the_persons_neutral_description():
    text = "We heard from Kim Min-jun today."
    flag = only(text, [KIM])
    assert (flag.kind, flag.excerpt, flag.start, flag.end) == (FlagKind.NAME, "Kim Min-jun", 14, 25)
    assert flag.reason == "Names a participant."
    assert flag.suggestion == neutral_description(KIM)


def test_a_full_name_is_found_in_any_case_spacing_and_order():
    assert excerpts("KIM MIN-JUN, kim  min-jun and Min-jun\nKim came.", [KIM]) == [
        "KIM MIN-JUN",
        "kim  min-jun",
        "Min-jun\nKim",
    ]


def test_names_are_found_without_their_accents_and_with_them():
    assert excerpts("Hans Muller and MÜLLER spoke.", [MULLER]) == ["Hans Muller", "MÜLLER"]
    plain = Person("Hans Muller", sector="government")
    assert excerpts("Hans Müller spoke.", [plain]) == ["Hans Müller"]


def test_a_decomposed_accent_is_part_of_the_flagged_excerpt():
    text = "Mu\u0308ller spoke."
    assert excerpts(text, [MULLER]) == ["Mu\u0308ller"]


def test_possessives_of_a_name_are_flagged():
    assert excerpts("Kim's paper and Müller’s reply.", [KIM, MULLER]) == ["Kim", "Müller"]


def test_each_name_part_is_flagged_on_its_own_with_a_title_before_it():
    text = "Dr Müller met Min-jun and Hans."
    assert excerpts(text, [KIM, MULLER]) == ["Dr Müller", "Min-jun", "Hans"]
    assert flags_in(text, [KIM, MULLER])[1].reason == "Part of a participant's name."


def test_name_parts_are_whole_words_and_need_a_capital():
    assert excerpts("Kimberley and the kim of Hansel.", [KIM, MULLER]) == []


def test_particles_and_honorifics_are_not_name_parts():
    person = Person("Dr Anna van der Berg", sector="think_tank")
    assert excerpts("A van and a Dr of law; de facto.", [person]) == []
    assert excerpts("Van der Berg wrote.", [person]) == ["Berg"]


def test_a_lowercase_word_equal_to_a_name_part_is_not_flagged():
    assert excerpts("They met in the car park.", [PARK]) == []


def test_a_common_word_opening_a_sentence_is_not_flagged():
    text = "Young leaders were there. “Rose gardens,” she said.\n- Young people too."
    assert excerpts(text, [YOUNG]) == []


def test_a_common_word_name_part_inside_a_sentence_is_flagged():
    assert excerpts("We then asked Young about it.", [YOUNG]) == ["Young"]


def test_a_common_word_opening_a_sentence_is_flagged_beside_another_part_of_the_name():
    person = Person("Rose Mary Young", sector="media")
    assert excerpts("Young Mary spoke first.", [person]) == ["Young", "Mary"]
    assert excerpts("Park Ji-won spoke. Park spoke.", [PARK]) == ["Park Ji-won"]


def test_cjk_names_are_found_inside_words_as_substrings():
    yamada = Person("山田太郎", group="ip4", sector="government")
    kim = Person("김민준", group="ip4", sector="think_tank")
    text = "山田太郎は述べた。김민준은 말했다."
    flags = flags_in(text, [yamada, kim])
    assert [(flag.excerpt, flag.start, flag.end) for flag in flags] == [
        ("山田太郎", 0, 4),
        ("김민준", 9, 12),
    ]


def test_the_parts_of_a_spaced_cjk_name_are_found_alone_and_run_together():
    yamada = Person("山田 太郎", group="ip4", sector="government")
    assert excerpts("山田太郎と太郎さん", [yamada]) == ["山田太郎", "太郎"]


def test_an_erased_person_matches_nothing():
    text = "JIIA hosted a Japanese official, and the ambassador of Japan spoke."
    assert flags_in(text, [ERASED]) == []
    assert flags_in(text, [Person("   ", "JIIA")]) == []


# Affiliations


def test_an_affiliation_is_flagged_in_any_case_with_a_neutral_institution():
    text = "Researchers at the korea institute for defense analyses wrote."
    flag = only(text, [KIM])
    assert (flag.kind, flag.excerpt) == (
        FlagKind.AFFILIATION,
        "korea institute for defense analyses",
    )
    assert flag.suggestion == "an Indo-Pacific think tank"


def test_an_affiliation_is_flagged_by_its_bracketed_acronym_and_without_it():
    person = Person("Aiko Sato", ERASED.affiliation, "", "Japan", "ip4", "think_tank")
    text = "JIIA and the Japan Institute of International Affairs (JIIA) agree."
    assert excerpts(text, [person], FlagKind.AFFILIATION) == [
        "JIIA",
        "Japan Institute of International Affairs (JIIA)",
    ]
    assert excerpts("The Japan Institute of International Affairs met.", [person]) == [
        "Japan Institute of International Affairs"
    ]


def test_an_affiliation_is_flagged_by_the_initials_of_its_significant_words():
    assert excerpts("KIDA's view was clear.", [KIM]) == ["KIDA"]


def test_acronyms_are_whole_words_in_capitals():
    assert excerpts("Kida, kida and KIDAS are not it.", [KIM]) == []


def test_affiliation_suggestions_follow_sector_and_region():
    government = Person("A B", "Federal Foreign Office", sector="government", group="nato")
    organisation = Person("C D", "Shangri-La Secretariat", sector="international_organisation")
    assert only("The Federal Foreign Office wrote.", [government]).suggestion == (
        "a Euro-Atlantic government"
    )
    assert only("The Shangri-La Secretariat wrote.", [organisation]).suggestion == (
        "an international organisation"
    )


def test_short_affiliations_and_the_dialogues_own_bodies_are_not_flagged():
    people = [
        Person("A B", "AB"),
        Person("C D", "NATO"),
        Person("E F", "European Union (EU)"),
        Person("G H", "Japan"),
    ]
    text = "AB, NATO, the IP4, the European Union and the EU met Japan."
    assert flags_in(text, people) == []


# Quotes


@pytest.mark.parametrize(
    "verb",
    [
        "said",
        "says",
        "argued",
        "noted",
        "stated",
        "told",
        "warned",
        "suggested",
        "insisted",
        "remarked",
        "claimed",
        "observed",
        "stressed",
        "added",
    ],
)
def test_a_named_speaker_is_a_quote_that_keeps_its_verb(verb):
    flag = only(f"On deterrence, Tanaka {verb} that it works.", [])
    assert (flag.kind, flag.excerpt) == (FlagKind.QUOTE, f"Tanaka {verb}")
    assert flag.suggestion == f"a participant {verb}"
    assert flag.reason == "Attributes a statement to a specific person."


@pytest.mark.parametrize(
    ("text", "excerpt", "suggestion"),
    [
        ("According to Ambassador Sato, it holds.", "According to Ambassador Sato", None),
        (
            "It holds, according to the Japanese ambassador.",
            "according to the Japanese ambassador",
            "according to a participant",
        ),
        ("As Tanaka put it, deterrence works.", "As Tanaka put it", "As a participant put it"),
        ("In Tanaka's words, it works.", "In Tanaka's words", "In a participant's words"),
        ("in Tanaka’s own view it works.", "in Tanaka’s own view", "in a participant’s own view"),
        ('"We must act," said Tanaka.', "said Tanaka", "said a participant"),
        ('"We must act," Tanaka said.', "Tanaka said", "a participant said"),
        ("Then Tanaka also said so.", "Tanaka also said", "a participant also said"),
        ("Kim and Lee argued for it.", "Kim and Lee argued", "participants argued"),
        ("The chair noted a consensus.", "The chair noted", "a participant noted"),
        ("Later the moderator argued.", "the moderator argued", "a participant argued"),
    ],
)
def test_statements_pinned_on_someone_specific_are_quotes(text, excerpt, suggestion):
    flag = only(text, [])
    assert (flag.kind, flag.excerpt) == (FlagKind.QUOTE, excerpt)
    assert suggestion in (None, flag.suggestion)


@pytest.mark.parametrize(
    "text",
    [
        "A participant said it works.",
        "Participants argued for restraint.",
        "One expert noted the risk.",
        "Several speakers warned of escalation.",
        "Some said yes. Many argued no. Others noted both.",
        "It was noted that supply chains matter.",
        "They said so. The group agreed.",
        "According to participants, it works. As one put it, fine.",
    ],
)
def test_neutral_subjects_are_not_quotes(text):
    assert flags_in(text, []) == []


def test_a_named_quote_covers_the_name_in_one_flag():
    flag = only("Ambassador Young said it works.", [YOUNG])
    assert (flag.kind, flag.excerpt) == (FlagKind.QUOTE, "Ambassador Young said")


# Identifying combinations


def test_a_country_and_sector_few_share_is_identifying():
    flag = only("As a Japanese official explained, it works.", japanese_officials(2))
    assert (flag.kind, flag.excerpt) == (FlagKind.IDENTIFYING, "a Japanese official")
    assert flag.reason == "Identifies a person: few participants are Japanese officials."
    assert flag.suggestion == "an Indo-Pacific official"


def test_a_combination_three_share_or_nobody_has_is_not_identifying():
    text = "A Japanese official explained it."
    assert flags_in(text, japanese_officials(3)) == []
    assert flags_in(text, [KIM, MULLER]) == []


def test_rare_below_sets_how_few_is_identifying():
    text = "A Japanese official explained it."
    assert flags_in(text, japanese_officials(3), rare_below=4) != []
    assert flags_in(text, japanese_officials(1), rare_below=1) == []


def test_roles_in_positions_are_counted_by_title():
    general = Person("Lt Gen X", "", "Lieutenant General", "Japan", "ip4", "armed_forces")
    deputy = Person("D G", "", "Deputy Director-General", "Japan", "ip4", "government")
    assert excerpts("Two Japanese generals spoke.", [general]) == ["Japanese generals"]
    assert excerpts("Two Japanese generals spoke.", [deputy]) == []
    assert excerpts("They met an ambassador from Japan.", [YOUNG]) == ["an ambassador from Japan"]


@pytest.mark.parametrize(
    "mention",
    ["Korean", "South Korean", "ROK", "Korea's", "Republic of Korea"],
)
def test_short_forms_and_demonyms_are_country_mentions(mention):
    flag = only(f"The {mention} parliamentarian spoke.", [PARK])
    assert flag.kind == FlagKind.IDENTIFYING
    assert flag.suggestion == "an Indo-Pacific parliamentarian"


def test_abbreviated_countries_stay_in_their_sentence_and_plurals_take_no_article():
    people = [Person("Jo Doe", "", "", "United States", "nato", "government")]
    flag = only("The U.S. officials agreed.", people)
    assert (flag.excerpt, flag.suggestion) == ("The U.S. officials", "Euro-Atlantic officials")


def test_countries_outside_the_ip4_and_nato_give_no_region():
    people = [Person("Lee Wei", "", "", "Singapore", "other", "media")]
    assert only("A Singaporean journalist wrote.", people).suggestion == "a journalist"


@pytest.mark.parametrize(
    "country", [name for group in SEED_COUNTRIES.values() for name in group.values()]
)
def test_every_seed_country_is_recognised(country):
    person = Person("Jo Doe", "", "", country, None, "media")
    assert only(f"A journalist from {country} wrote.", [person]).kind == FlagKind.IDENTIFYING


def test_a_country_and_role_in_different_sentences_are_not_identifying():
    assert flags_in("Japan spoke first. An official then replied.", japanese_officials(1)) == []


# What is never flagged


def test_countries_alliances_themes_and_neutral_wording_are_not_flagged():
    people = [KIM, MULLER, YOUNG, PARK, *japanese_officials(1)]
    text = (
        "Japan's defence exports, Korea and Germany. NATO, the IP4 and the EU discussed "
        "maritime security, deterrence and supply chains. A participant from an Indo-Pacific "
        "government and a scholar from the Indo-Pacific agreed."
    )
    assert flags_in(text, people) == []


def test_flags_are_sorted_and_never_overlap():
    text = "Kim Min-jun of KIDA said a Japanese official and Hans Müller agreed; Müller said so."
    found = flags_in(text, [KIM, MULLER, *japanese_officials(1)])
    assert [flag.kind for flag in found] == [
        FlagKind.QUOTE,
        FlagKind.IDENTIFYING,
        FlagKind.NAME,
        FlagKind.QUOTE,
    ]
    assert all(before.end <= after.start for before, after in itertools.pairwise(found))


def test_people_sharing_a_name_part_give_one_flag():
    twin = Person("Kim Seo-yeon", sector="media")
    assert excerpts("We thank Kim.", [KIM, twin]) == ["Kim"]


# Properties

NAMES = [
    "Kim Min-jun",
    "Park Ji-won",
    "Rose Young",
    "Hans Müller",
    "山田 太郎",
    "김민준",
    "Aiko Sato",
]
FRAGMENTS = [
    *NAMES,
    *(name.upper() for name in NAMES),
    "Kim",
    "Muller",
    "Young",
    "Park",
    "park",
    "太郎",
    "'s",
    " ",
    ". ",
    ", ",
    "\n",
    '"',
    "said",
    "according to",
    "the chair",
    "Japanese",
    "official",
    "ambassador",
    "U.S.",
    "KIDA",
    "JIIA",
    "Dr",
]
PEOPLE = st.lists(
    st.builds(
        Person,
        name=st.sampled_from([*NAMES, ""]),
        affiliation=st.sampled_from(["", KIM.affiliation, ERASED.affiliation]),
        position=st.sampled_from(["", "Ambassador", "General"]),
        country=st.sampled_from([None, "Japan", "Republic of Korea", "United States"]),
        group=st.sampled_from([None, "ip4", "nato", "other"]),
        sector=st.sampled_from([None, "government", "think_tank", "media"]),
    ),
    max_size=5,
)
TEXTS = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=25).map(
    "".join
)


@given(
    text=st.one_of(st.text(), TEXTS),
    people=st.one_of(
        PEOPLE,
        st.lists(
            st.builds(
                Person,
                st.text(max_size=15),
                st.text(max_size=15),
                st.text(max_size=10),
                st.one_of(st.none(), st.text(max_size=8)),
                st.one_of(st.none(), st.text(max_size=4)),
                st.one_of(st.none(), st.text(max_size=4)),
            ),
            max_size=3,
        ),
    ),
)
@settings(max_examples=100, deadline=None, database=None)
def test_any_text_and_people_give_flags_within_the_text(text, people):
    found = check(text, people)
    for flag in found:
        assert 0 <= flag.start < flag.end <= len(text)
        assert text[flag.start : flag.end] == flag.excerpt
    assert all(before.end <= after.start for before, after in itertools.pairwise(found))


@given(text=TEXTS, people=PEOPLE)
@settings(max_examples=100, deadline=None, database=None)
def test_taking_every_suggestion_leaves_no_name(text, people):
    for flag in reversed(check(text, people)):
        text = text[: flag.start] + flag.suggestion + text[flag.end :]
    assert [flag for flag in check(text, people) if flag.kind == FlagKind.NAME] == []
