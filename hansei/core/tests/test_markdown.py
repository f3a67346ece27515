from __future__ import annotations

import re

import pytest

from hansei.core.markdown import markdown_to_text, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> world",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_it_never_lets_raw_html_through(source):
    html = render_markdown(source)

    assert "<script" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "<img" not in html
    assert not re.search(r"<[a-z][^>]*\son\w+=", html)


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1) )",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
    ],
)
def test_it_removes_dangerous_links(source):
    html = render_markdown(source).lower()

    assert 'href="javascript' not in html
    assert 'src="javascript' not in html
    assert 'href="data:' not in html
    assert 'href="vbscript' not in html


def test_it_keeps_safe_links_and_marks_them_nofollow():
    html = render_markdown("[runbook](https://wiki.example.com/runbook)")

    assert 'href="https://wiki.example.com/runbook"' in html
    assert "noopener" in html
    assert "nofollow" in html


def test_it_renders_tables():
    html = render_markdown("| Metric | Value |\n|---|--:|\n| Errors | 5% |\n")

    assert "<table>" in html
    assert "<th>Metric</th>" in html
    assert '<td class="align-right">5%</td>' in html
    assert "<td>Errors</td>" in html


def test_table_cells_keep_only_their_alignment_as_a_class():
    html = render_markdown("| a |\n|:-:|\n| b |\n")
    forged = render_markdown('<td style="background:url(javascript:x)">x</td>')

    assert '<td class="align-center">b</td>' in html
    assert "style=" not in html
    assert "<td" not in forged


def test_it_renders_common_markdown():
    html = render_markdown(
        "# Title\n\n**bold** ~~gone~~ `code`\n\n- one\n- two\n\n```py\nx = 1\n```"
    )

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<s>gone</s>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<code class="language-py">' in html


def test_it_escapes_html_written_as_text():
    html = render_markdown("Use a <b> tag & an ampersand")

    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "&amp;" in html


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


def test_plain_text_drops_markup():
    text = markdown_to_text("# Outage\n\nThe **cache** failed & [recovered](https://x.example)")

    assert text == "Outage\nThe cache failed & recovered"


def test_an_image_becomes_a_link_so_no_reader_fetches_another_site() -> None:
    html = render_markdown("See ![the graph](https://grafana.example.com/render/42.png) here")
    assert "<img" not in html
    assert '<a href="https://grafana.example.com/render/42.png"' in html
    assert ">the graph</a>" in html and 'rel="noopener noreferrer nofollow"' in html
    assert "href" not in render_markdown("![x](javascript:alert(1))")
    assert "<img" not in render_markdown('<img src="https://example.com/p.png">')


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("検索APIへの\nリクエストが失敗した。", "<p>検索APIへのリクエストが失敗した。</p>"),
        ("数据库\n连接池耗尽", "<p>数据库连接池耗尽</p>"),
        ("The search API\nfailed.", "<p>The search API\nfailed.</p>"),
        ("検索 API\nrequests", "<p>検索 API\nrequests</p>"),
        ("API の\nrequest", "<p>API の\nrequest</p>"),
        ("서비스가\n중단되었습니다", "<p>서비스가\n중단되었습니다</p>"),
        ("`コード`\nの説明", "<p><code>コード</code>の説明</p>"),
    ],
)
def test_a_line_break_inside_a_japanese_sentence_is_no_space(source: str, shown: str) -> None:
    assert render_markdown(source).strip() == shown
