"""Comment anchors against real Yjs: relative positions made by Node's ``yjs`` (as the browser
makes them) are read by the server, follow the text as it is edited (by the server and by
Yjs clients) and mark a thread orphaned when its text is deleted.

The helpers at the top are shared with the comment tests."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Assoc, Doc, StickyIndex, Text

from hansei.collab.comments import anchors
from hansei.collab.comments.anchors import AnchorError, decode_anchor, encode_anchor, utf16_to_index
from hansei.postmortems.document import live_text
from hansei.postmortems.document.services import update_section

FRONTEND = Path(__file__).resolve().parents[3] / "frontend"

# Reads {"update", "key", "select": [substring...], "indexes": [[index, assoc]...],
# "edits": [{"at", "insert" | "delete" | "embed" | "bold"}], "otherContent": bool,
# "resolve": [b64...]} on stdin.
# Positions are made before the edits; "resolve" is answered after them (UTF-16 indexes,
# like the browser's); "update" answers with the edits as a Yjs update.
YJS_SCRIPT = r"""
const Y = require(require.resolve("yjs", { paths: [process.argv[1]] }));
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const req = JSON.parse(input);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(req.update, "base64"));
  const text = doc.getText(req.key);
  const b64 = (index, assoc) => {
    const position = Y.createRelativePositionFromTypeIndex(text, index, assoc);
    return Buffer.from(Y.encodeRelativePosition(position)).toString("base64");
  };
  const selections = (req.select || []).map((part) => {
    const from = text.toString().indexOf(part);
    if (from < 0) throw new Error(`not in the text: ${part}`);
    return [b64(from, 0), b64(from + part.length, -1)];
  });
  const positions = (req.indexes || []).map(([index, assoc]) => b64(index, assoc));
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    for (const edit of req.edits || []) {
      if (edit.insert !== undefined) text.insert(edit.at, edit.insert);
      else if (edit.embed !== undefined) text.insertEmbed(edit.at, edit.embed);
      else if (edit.bold !== undefined) text.format(edit.at, edit.bold, { bold: true });
      else text.delete(edit.at, edit.delete);
    }
    if (req.otherContent) {
      const other = doc.getMap("other");
      const list = [1, -7, 2.5, "s", true, false, null, BigInt(5)];
      other.set("any", { list, bytes: new Uint8Array([1, 2]) });
      other.set("sub", new Y.Doc());
      doc.getArray("array").insert(0, [new Uint8Array([3, 4]), new Y.Map()]);
      doc.getXmlFragment("xml").insert(0, [new Y.XmlElement("p"), new Y.XmlText("x")]);
    }
  });
  const resolved = (req.resolve || []).map((anchor) => {
    const rel = Y.decodeRelativePosition(Buffer.from(anchor, "base64"));
    const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
    return abs ? abs.index : null;
  });
  const update = Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString("base64");
  console.log(JSON.stringify({ selections, positions, resolved, update, text: text.toString() }));
});
"""


def run_yjs(doc_update: bytes, key: str, **request: Any) -> dict[str, Any]:
    """Run the request against a Node Yjs document made from ``doc_update``."""
    node = shutil.which("node")
    if node is None or not (FRONTEND / "node_modules" / "yjs").is_dir():
        pytest.fail("Node and frontend/node_modules/yjs are required: cd frontend && npm ci")
    payload = {"update": base64.b64encode(doc_update).decode(), "key": key, **request}
    result = subprocess.run(
        [node, "-e", YJS_SCRIPT, str(FRONTEND)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def select_with_yjs(postmortem_id: int, key: str, part: str) -> tuple[str, str]:
    """The anchors a browser sends for selecting ``part`` of section ``key``'s live text."""
    doc, _ = live_text.load_doc(postmortem_id)
    [(start, end)] = run_yjs(doc.get_update(), key, select=[part])["selections"]
    return start, end


def edit_with_yjs(postmortem_id: int, key: str, edits: list[dict[str, Any]]) -> str:
    """Edit the live document as a Yjs client does (its update stored like a room stores
    it); the section's text after the edits, as Yjs sees it."""
    doc, _ = live_text.load_doc(postmortem_id)
    answer = run_yjs(doc.get_update(), key, edits=edits)
    live_text.append_updates(postmortem_id, [base64.b64decode(answer["update"])])
    text: str = answer["text"]
    return text


@pytest.fixture
def draft(make_postmortem: Any, alice: Any) -> Any:
    postmortem = make_postmortem()
    section = postmortem.sections.get(key="trigger")
    update_section(actor=alice, section=section, body="Löwe 😀 pushed a config: 日本 cache.")
    return postmortem


def _resolve(postmortem: Any, key: str, start: str, end: str) -> anchors.AnchorRange | None:
    doc, _ = live_text.load_doc(postmortem.pk)
    return anchors.resolve(doc, key, start, end)


# --- the format ---------------------------------------------------------------------------


def test_pycrdt_reads_and_writes_relative_positions_exactly_as_yjs_does() -> None:
    doc: Doc = Doc()
    text = doc.get("summary", type=Text)
    text += "héllo 😀 日本!"
    length = 12  # in UTF-16 code units, Yjs' index unit: the emoji counts twice
    wanted = [[i, assoc] for i in range(length + 1) for assoc in (0, -1)]

    from_node = run_yjs(doc.get_update(), "summary", indexes=wanted)["positions"]

    for anchor in from_node:
        raw = base64.b64decode(anchor)
        assert StickyIndex.decode(raw).encode() == raw
        decode_anchor(anchor)  # accepted, and read the same by our parser and by pycrdt
    # Inside one run of text pycrdt makes the very same positions. (Past its end it does
    # not: its sticky_index() counts in UTF-8 bytes there, so Hansei never makes positions
    # with it; browsers make them.)
    inside = [(i, assoc) for i, assoc in wanted if i < length]
    made_by_pycrdt = [encode_anchor(text.sticky_index(i, Assoc(a))) for i, a in inside]
    assert from_node[: len(inside)] == made_by_pycrdt


def test_it_reads_a_yjs_selection_as_python_string_indexes(db: Any, draft: Any) -> None:
    start, end = select_with_yjs(draft.pk, "trigger", "config: 日本")

    located = _resolve(draft, "trigger", start, end)

    body = "Löwe 😀 pushed a config: 日本 cache."
    assert located is not None and located.text == "config: 日本"
    assert (located.start, located.end) == (body.index("config"), body.index(" cache"))
    assert not located.orphaned


def test_the_anchor_follows_the_text_as_people_edit_around_it(
    db: Any, alice: Any, draft: Any
) -> None:
    start, end = select_with_yjs(draft.pk, "trigger", "pushed a config")
    section = draft.sections.get(key="trigger")
    # The server rewrites the text (a form save): text before and inside the range changes.
    update_section(
        actor=alice,
        section=section,
        body="Ünïcode 🎉🎉 then Löwe 😀 pushed a bad config: 日本 cache.",
    )
    assert _resolve(draft, "trigger", start, end).text == "pushed a bad config"  # type: ignore[union-attr]

    # A Yjs client types before the range (UTF-16 index 0) and deletes after it.
    seen_by_yjs = edit_with_yjs(draft.pk, "trigger", [{"at": 0, "insert": "✂️ "}])
    located = _resolve(draft, "trigger", start, end)
    assert located is not None and located.text == "pushed a bad config"
    assert seen_by_yjs[located.start : located.end] == "pushed a bad config"
    # Node agrees on the (UTF-16) offsets.
    doc, _ = live_text.load_doc(draft.pk)
    offsets = run_yjs(doc.get_update(), "trigger", resolve=[start, end])["resolved"]
    assert [utf16_to_index(seen_by_yjs, o) for o in offsets] == [located.start, located.end]


def test_a_range_whose_text_is_deleted_is_orphaned_and_stays_so_after_compaction(
    db: Any, alice: Any, draft: Any
) -> None:
    start, end = select_with_yjs(draft.pk, "trigger", "config: 日本")
    body = "Löwe 😀 pushed a config: 日本 cache."
    at = len(body[: body.index("config")].encode("utf-16-le")) // 2
    edit_with_yjs(draft.pk, "trigger", [{"at": at, "delete": len("config: 日本")}])

    located = _resolve(draft, "trigger", start, end)
    assert located is not None and located.orphaned and located.text == ""
    doc, _ = live_text.load_doc(draft.pk)
    left, right = run_yjs(doc.get_update(), "trigger", resolve=[start, end])["resolved"]
    assert left == right  # the browser sees it orphaned too

    live_text.compact(draft.pk)
    assert _resolve(draft, "trigger", start, end).orphaned  # type: ignore[union-attr]


def test_it_reads_documents_holding_every_kind_of_content(db: Any, draft: Any) -> None:
    start, end = select_with_yjs(draft.pk, "trigger", "pushed a config")
    # Formatting inside the section (CodeMirror writes plain text, but other clients may not),
    # an embed in another text, and every other kind of content elsewhere in the document.
    edit_with_yjs(draft.pk, "trigger", [{"at": 1, "bold": 4}])
    edit_with_yjs(draft.pk, "summary", [{"at": 0, "embed": {"image": "graph.png"}}])
    doc, _ = live_text.load_doc(draft.pk)
    live_text.append_updates(
        draft.pk, [base64.b64decode(run_yjs(doc.get_update(), "x", otherContent=True)["update"])]
    )

    located = _resolve(draft, "trigger", start, end)

    assert located is not None and located.text == "pushed a config"


def test_positions_at_the_very_start_and_end_of_a_section_resolve(db: Any, draft: Any) -> None:
    doc, _ = live_text.load_doc(draft.pk)
    body = live_text.section_text(doc, "trigger")
    length = len(body.encode("utf-16-le")) // 2
    # Start at 0 with assoc -1 and end past the last character with assoc 0 are the two
    # positions Yjs encodes by the type's name, not by an item.
    start, end = run_yjs(doc.get_update(), "trigger", indexes=[[0, -1], [length, 0]])["positions"]
    assert decode_anchor(start).root == "trigger" and decode_anchor(end).root == "trigger"
    located = anchors.resolve(doc, "trigger", start, end)
    assert located is not None and located.text == body


# --- what is refused ----------------------------------------------------------------------

VALID = "AK/vs/2fwu0MAgA="  # an item position (client 7237062837991343, clock 2, assoc 0)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not base64!",
        "AAAA",  # kind 0, then nothing
        base64.b64encode(b"\x00\x05").decode(),  # a client but no clock
        base64.b64encode(b"\x01\x07summ").decode(),  # a name cut short
        base64.b64encode(b"\x01\x01s").decode(),  # no assoc
        base64.b64encode(b"\x01\x01s\x00\x00").decode(),  # trailing bytes
        base64.b64encode(b"\x02\x05\x00\x00").decode(),  # a nested type, never a section
        base64.b64encode(b"\x07\x00\x00").decode(),  # unknown kind
        base64.b64encode(b"\x00" + b"\xff" * 12 + b"\x00\x00").decode(),  # client too big
        base64.b64encode(b"\x01\x02\xff\xfe\x00").decode(),  # a name that is not UTF-8
        VALID + "A" * 200,  # too long
    ],
)
def test_it_refuses_what_is_not_a_relative_position(value: str) -> None:
    with pytest.raises(AnchorError):
        decode_anchor(value)


def test_it_accepts_a_valid_position() -> None:
    position = decode_anchor(VALID)
    assert (position.client, position.clock, position.assoc) == (7237062837991343, 2, 0)


def test_it_locates_new_anchors_only_in_their_own_section(db: Any, draft: Any) -> None:
    start, end = select_with_yjs(draft.pk, "trigger", "pushed")
    doc, _ = live_text.load_doc(draft.pk)
    live = anchors.LiveText(doc)
    located = live.locate_new("trigger", decode_anchor(start), decode_anchor(end))
    assert located.text == "pushed"

    with pytest.raises(AnchorError, match="not in this section"):
        live.locate_new("summary", decode_anchor(start), decode_anchor(end))
    with pytest.raises(AnchorError, match="comes before"):
        live.locate_new("trigger", decode_anchor(end), decode_anchor(start))
    unknown = base64.b64encode(b"\x00\x05\x00\x00").decode()  # content nobody stored
    with pytest.raises(AnchorError, match="not in the saved document"):
        live.locate_new("trigger", decode_anchor(unknown), decode_anchor(end))
    # Read back later, a position the document does not hold is "not located", not a crash.
    assert anchors.resolve(doc, "trigger", unknown, end) is None


@pytest.mark.parametrize(
    ("text", "units", "index"),
    [("abc", 2, 2), ("a😀b", 3, 2), ("a😀b", 2, 1), ("日本😀", 4, 3), ("x", 0, 0), ("x", 5, 1)],
)
def test_utf16_offsets_become_string_indexes(text: str, units: int, index: int) -> None:
    assert utf16_to_index(text, units) == index
