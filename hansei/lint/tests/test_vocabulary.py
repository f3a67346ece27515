from __future__ import annotations

from typing import Any

import pytest

from hansei.lint import Phrase, Vocabulary, VocabularyError

CUSTOM: dict[str, Any] = {
    "phrases": {
        "judgemental": {"en": ["half-baked", {"regex": r"cowboy\s+deploys?", "suggest": "x"}]},
        "action-vague": {"ja": [{"phrase": "善処する"}]},
    },
    "people": ["Alice Smith", "@alice", "田中 太郎"],
    "roles": {"en": ["release captain"], "ja": ["当番者"]},
    "allow": ["Blameless Bob", {"regex": "human error budget"}],
}


def test_it_reads_and_writes_the_json_form() -> None:
    vocabulary = Vocabulary.from_dict(CUSTOM)
    assert ("judgemental", "en", Phrase(r"cowboy\s+deploys?", regex=True, suggest="x")) in (
        vocabulary.phrases
    )
    assert vocabulary.people == ("Alice Smith", "@alice", "田中 太郎")
    assert Vocabulary.from_dict(vocabulary.to_dict()) == vocabulary


def test_it_merges_and_adds_people() -> None:
    base = Vocabulary.from_dict({"people": ["@a"]})
    merged = base.merged(Vocabulary.from_dict({"people": ["@b"]})).with_people(["@c", " "])
    assert merged.people == ("@a", "@b", "@c")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"phrases": {"judgemental": {"en": [{"regex": "cowboy("}]}}},
         "phrases[\"judgemental\"][\"en\"][0]: invalid regular expression 'cowboy('"),
        ({"phrases": {"judgemental": {"en": [{"regex": "a*"}]}}}, "matches empty text"),
        ({"phrases": {"section-empty": {"en": ["x"]}}}, "rule 'section-empty' takes no phrases"),
        ({"phrases": {"judgemental": {"fr": ["x"]}}}, "unknown language 'fr'"),
        ({"phrases": {"judgemental": {"en": [3]}}}, "expected a string or an object, got int"),
        ({"phrases": {"judgemental": {"en": [{"regex": "a", "phrase": "b"}]}}}, "either"),
        ({"phrases": {"judgemental": {"en": [""]}}}, "cannot be empty"),
        ({"people": ["@"]}, "people: a name or @handle cannot be empty"),
        ({"roles": {"en": "captain"}}, 'roles["en"]: expected a list'),
        ({"colours": []}, "unknown key(s): colours"),
        ([], "a vocabulary is a JSON object"),
    ],
)  # fmt: skip
def test_it_refuses_bad_entries_and_names_them(data: Any, message: str) -> None:
    with pytest.raises(VocabularyError) as error:
        Vocabulary.from_dict(data)
    assert message in str(error.value)


def test_it_checks_entries_built_in_code_too() -> None:
    with pytest.raises(VocabularyError, match="invalid regular expression"):
        Vocabulary(allow=(Phrase("[", regex=True),))
