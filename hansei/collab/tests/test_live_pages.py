"""Writing together in real browsers, against real server processes (WebSockets)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from hansei.collab.live import broadcast
from hansei.collab.tests.servers import eventually
from hansei.conftest import signed_in_page
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HANSEI_SCREENSHOTS", "")
# The text under the comment highlights of the summary editor (one mark may be split in spans).
HIGHLIGHTED = (
    "(quote) => [...document.querySelectorAll('#section-summary .cm-comment-anchor')]"
    ".map((el) => el.textContent).join('') === quote"
)

# Whether the remote caret and selection are painted in [colour, light colour].
IN_COLOUR = """([colour, light]) => {
  const computed = (value) => {
    const probe = document.createElement("span");
    probe.style.backgroundColor = value;
    document.body.append(probe);
    const result = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return result;
  };
  const caret = document.querySelector("#section-summary .cm-ySelectionCaret");
  const selection = document.querySelector("#section-summary .cm-ySelection");
  return Boolean(caret && selection)
    && getComputedStyle(caret).backgroundColor === computed(colour)
    && getComputedStyle(selection).backgroundColor === computed(light);
}"""


def _open(browser: Any, server: Any, user: Any, postmortem: Any, **context: Any) -> Any:
    page = signed_in_page(browser, server.url, user.username, **context)
    page.goto(f"{server.url}/postmortems/{postmortem.pk}/?view=live")  # readers too
    page.wait_for_selector("#section-summary .cm-content")
    return page


def _editor(page: Any, key: str = "summary") -> Any:
    return page.locator(f"#section-{key} .cm-content")


def _doc_text(page: Any, key: str = "summary") -> str:
    return str(page.evaluate(f"() => window.hanseiCollab.doc.getText('{key}').toString()"))


def _type_at_end(page: Any, text: str, key: str = "summary") -> None:
    editor = _editor(page, key)
    editor.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _type_at_start(page: Any, text: str, key: str = "summary") -> None:
    """Typing at the start while someone types at the end keeps both runs of text whole
    (where two people type at the same spot, their characters may interleave)."""
    editor = _editor(page, key)
    editor.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.type(text)


def test_two_people_write_the_same_section_and_see_each_other(
    browser: Any, make_postmortem: Any, alice: Any, bob: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(body="")
    server = servers()
    a = _open(browser, server, alice, postmortem)
    b = _open(browser, server, bob, postmortem, viewport={"width": 390, "height": 844})

    _type_at_end(a, "Payments were slow for 20 minutes.")
    _type_at_start(b, "Nobody was paged. ")
    assert "Nobody was paged." in _doc_text(b)  # typed into the editor, not elsewhere
    # Every character of both, the trailing space included, has reached both documents.
    for page in (a, b):
        page.wait_for_function(
            "() => { const t = window.hanseiCollab.doc.getText('summary').toString();"
            " return t.includes('Payments were slow for 20 minutes.')"
            " && t.includes('Nobody was paged. '); }"
        )
    assert _doc_text(a) == _doc_text(b)
    assert "Nobody was paged." in _editor(a).inner_text()
    # Presence: each sees the other, and the other's named cursor.
    a.wait_for_selector(f"#presence [data-user-id='{bob.pk}']")
    b.wait_for_selector(f"#presence [data-user-id='{alice.pk}']")
    a.wait_for_selector(".cm-ySelectionInfo", state="attached")
    # Bob's caret and selection are in his colour, set without style="" attributes (which the
    # Content-Security-Policy refuses): the CSSOM for the caret, a class for the selection.
    b.keyboard.press("Shift+End")
    colour = b.evaluate("() => window.hanseiCollab.provider.awareness.getLocalState().user")
    a.wait_for_function(IN_COLOUR, arg=[colour["color"], colour["colorLight"]])
    a.wait_for_selector("#collab-status[data-state='saved']")
    if SHOTS:
        a.screenshot(path=f"{SHOTS}/live-desktop.png", full_page=False)
        b.screenshot(path=f"{SHOTS}/live-phone.png", full_page=False)
    # The text reaches the section's row (debounced), which search, export and review read.
    text = _doc_text(a)
    summary = Section.objects.filter(postmortem=postmortem, key="summary")
    assert eventually(lambda: summary.get().body == text), server.log_tail()


def test_a_node_client_and_a_browser_edit_together(
    browser: Any,
    make_postmortem: Any,
    alice: Any,
    bob: Any,
    servers: Any,
    yclients: Any,
    token_for: Any,
) -> None:
    postmortem = make_postmortem()
    server = servers()
    page = _open(browser, server, alice, postmortem)
    node = yclients(server, broadcast.room_name(postmortem.pk), token_for(bob))
    assert node("synced", timeout=15000)["ok"]
    node("insert", key="summary", index=0, text="From Node. ")
    page.wait_for_function(
        "() => document.querySelector('#section-summary .cm-content').innerText"
        ".includes('From Node.')"
    )
    _type_at_end(page, " From the browser.")
    assert node("wait_text", key="summary", contains="From the browser.", timeout=10000)["ok"]
    assert node.text("summary") == _doc_text(page)


def test_a_reviewer_watches_read_only(
    browser: Any, make_postmortem: Any, alice: Any, rita: Any, servers: Any
) -> None:
    from hansei.reviews.models import Review

    postmortem = make_postmortem()
    Review.objects.create(postmortem=postmortem, reviewer=rita, round=1, requested_by=alice)
    server = servers()
    writer = _open(browser, server, alice, postmortem)
    reader = _open(browser, server, rita, postmortem)
    reader.wait_for_selector("#collab-status[data-state='readonly']")
    _type_at_end(writer, " Written live.")
    reader.wait_for_function(
        "() => document.querySelector('#section-summary .cm-content').innerText"
        ".includes('Written live.')"
    )
    before = _doc_text(reader)
    _type_at_end(reader, "Reader typing")
    assert _doc_text(reader) == before
    assert reader.locator("#section-summary button[type=submit]").count() == 0


def test_a_timeline_entry_and_a_status_change_appear_without_a_reload(
    browser: Any, make_postmortem: Any, alice: Any, bob: Any, rita: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    watcher = _open(browser, server, bob, postmortem)
    actor = _open(browser, server, alice, postmortem)
    watcher.evaluate("() => { window.notReloaded = true; }")

    timeline = actor.locator("#timeline")
    timeline.get_by_label("What happened").fill("Rolled back the release")
    timeline.get_by_role("checkbox", name="Key event").check()
    timeline.get_by_role("button", name="Add entry").click()
    watcher.wait_for_selector("#timeline :text('Rolled back the release')")

    actor.goto(f"{server.url}/postmortems/{postmortem.pk}/submit/")
    actor.get_by_label(rita.name).check()
    actor.get_by_role("button", name="Submit for review").click()
    watcher.wait_for_selector("#pm-status:text('In review')")
    watcher.wait_for_selector("#collab-status[data-state='readonly']")
    assert watcher.evaluate("() => window.notReloaded") is True


@pytest.mark.postgres
def test_two_browsers_on_two_server_processes_converge(
    browser: Any, make_postmortem: Any, alice: Any, bob: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    first, second = servers(), servers()
    a = _open(browser, first, alice, postmortem)
    b = _open(browser, second, bob, postmortem)
    _type_at_end(a, " Typed on process one.")
    _type_at_start(b, "Typed on process two. ")
    script = (
        "() => { const t = window.hanseiCollab.doc.getText('summary').toString();"
        " return t.includes('process one') && t.includes('process two'); }"
    )
    a.wait_for_function(script)
    b.wait_for_function(script)
    for _ in range(50):
        if _doc_text(a) == _doc_text(b):
            break
        a.wait_for_timeout(100)
    assert _doc_text(a) == _doc_text(b)
    b.wait_for_selector(f"#presence [data-user-id='{alice.pk}']")


def test_a_comment_on_selected_text_follows_the_text_and_survives_its_deletion(
    browser: Any, make_postmortem: Any, alice: Any, bob: Any, servers: Any
) -> None:
    from hansei.collab.comments.models import CommentThread

    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(
        body="The cache was cold after the deploy."
    )
    server = servers()
    a = _open(browser, server, alice, postmortem)
    b = _open(browser, server, bob, postmortem)
    quote = "cache was cold"
    start = "The cache was cold after the deploy.".index(quote)
    a.evaluate(
        "([from, to]) => { const view = window.hanseiCollab.editors.get('summary');"
        " view.focus(); view.dispatch({selection: {anchor: from, head: to}}); }",
        [start, start + len(quote)],
    )
    a.locator("#section-summary .collab-comment-button").click()
    form = a.locator("#new-comment-form")
    assert form.locator("[data-quote-preview]").inner_text() == quote
    form.locator("textarea[name=body]").fill("Should the deploy warm it first? @bob")
    form.get_by_role("button", name="Comment").click()
    a.locator("#comment-panel [data-thread-id]").filter(has_text="warm it first").wait_for()
    thread = CommentThread.objects.get(postmortem=postmortem)
    assert (thread.section_key, thread.quote) == ("summary", quote)

    # Bob's page gets the thread live, and highlights the words in his editor.
    b.wait_for_selector(f"#thread-{thread.pk}")
    b.wait_for_function(HIGHLIGHTED, arg=quote)
    # Text typed before the anchor moves it; the highlight still covers the same words.
    b.evaluate(
        "() => { const view = window.hanseiCollab.editors.get('summary');"
        " view.dispatch({changes: {from: 0, insert: 'At 09:12 UTC, '}}); }"
    )
    a.wait_for_function(
        "() => window.hanseiCollab.doc.getText('summary').toString().startsWith('At 09:12')"
    )
    a.wait_for_function(HIGHLIGHTED, arg=quote)
    if SHOTS:
        a.screenshot(path=f"{SHOTS}/comment-desktop.png", full_page=False)

    # Deleting the words leaves the thread, marked orphaned, with what it was about.
    b.evaluate(
        "(quote) => { const view = window.hanseiCollab.editors.get('summary');"
        " const text = view.state.doc.toString(); const from = text.indexOf(quote);"
        " view.dispatch({changes: {from, to: from + quote.length}}); }",
        quote,
    )
    a.wait_for_selector(f"#thread-{thread.pk}.is-orphaned")
    assert a.locator(f"#thread-{thread.pk} .comment-quote").inner_text() == quote
    assert CommentThread.objects.filter(pk=thread.pk).exists()


def test_a_browser_keeps_writing_through_a_server_crash(
    browser: Any, make_postmortem: Any, alice: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    page = _open(browser, server, alice, postmortem)
    _type_at_end(page, " Before the crash.")
    page.wait_for_selector("#collab-status[data-state='saved']")
    server.kill()
    page.wait_for_selector("#collab-status[data-state='offline']")
    _type_at_end(page, " Written while the server was down.")
    servers(port=server.port)
    page.wait_for_selector("#collab-status[data-state='saved']", timeout=30000)
    doc, _ = live_text.load_doc(postmortem.pk)
    text = live_text.section_text(doc, "summary")
    assert text == _doc_text(page)
    assert text.endswith(" Before the crash. Written while the server was down.")
