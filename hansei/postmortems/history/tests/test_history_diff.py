"""The readable diff: lines, then words (English) or characters (Japanese) inside a line."""

from __future__ import annotations

from hansei.postmortems.history.diff import (
    DiffLine,
    Segment,
    compare_documents,
    inline_diff,
    readable_diff,
    tokens,
)


def _kinds(lines: list[DiffLine]) -> list[str]:
    return [line.kind for line in lines]


def test_it_splits_english_into_words_and_japanese_into_characters() -> None:
    assert tokens("The cache, 支払い ok") == [
        "The",
        " ",
        "cache",
        ",",
        " ",
        "支",
        "払",
        "い",
        " ",
        "ok",
    ]


def test_it_shows_a_changed_word_in_place() -> None:
    assert inline_diff("The cache expired.", "The database expired.") == [
        Segment("equal", "The "),
        Segment("delete", "cache"),
        Segment("insert", "database"),
        Segment("equal", " expired."),
    ]


def test_it_joins_neighbouring_changes_into_one() -> None:
    assert inline_diff("a b c done", "x y z done") == [
        Segment("delete", "a b c"),
        Segment("insert", "x y z"),
        Segment("equal", " done"),
    ]


def test_it_shows_a_changed_japanese_word_by_its_characters() -> None:
    assert inline_diff("全ての支払いが失敗した。", "一部の支払いが失敗した。") == [
        Segment("delete", "全て"),
        Segment("insert", "一部"),
        Segment("equal", "の支払いが失敗した。"),
    ]


def test_it_pairs_a_changed_line_and_keeps_added_and_removed_lines_apart() -> None:
    old = "Intro\nThe cache expired at noon.\nA line that goes away entirely"
    new = "Intro\nBrand new opening words here\nThe cache expired at night."
    lines = readable_diff(old, new)

    assert _kinds(lines) == ["equal", "insert", "change", "delete"]
    assert lines[2].segments == [
        Segment("equal", "The cache expired at "),
        Segment("delete", "noon"),
        Segment("insert", "night"),
        Segment("equal", "."),
    ]


def test_it_collapses_unchanged_lines_far_from_a_change() -> None:
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 10", "line ten")

    lines = readable_diff(old, new)

    assert _kinds(lines) == ["skip", "equal", "equal", "change", "equal", "equal", "skip"]
    assert [line.skipped for line in lines if line.kind == "skip"] == [8, 7]


def test_it_compares_documents_section_by_section() -> None:
    diff = compare_documents(
        "Outage",
        {"summary": "Same.", "impact": "", "root": "Old cause."},
        "Outage of checkout",
        {"summary": "Same.", "impact": "Many users.", "root": ""},
        {"summary": "Summary", "impact": "Impact", "root": "Root causes"},
    )

    assert diff.title is not None
    assert [s.title for s in diff.parts] == ["Title", "Impact", "Root causes"]
    assert [s.status for s in diff.changed] == ["added", "emptied"]
    assert [s.key for s in diff.unchanged] == ["summary"]
    assert not diff.identical
