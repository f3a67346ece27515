// Comments anchored to text: the floating "Comment" button, highlights of open threads (kept
// on the text by Yjs relative positions), and the links between a highlight and its thread.
import * as Y from "yjs";
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";
import { base64ToBytes, bytesToBase64 } from "./dom.js";

const MAX_QUOTE = 1000;
const setAnchors = StateEffect.define();

const anchorsField = StateField.define({
  create: () => Decoration.none,
  update(anchors, tr) {
    anchors = anchors.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setAnchors)) anchors = effect.value;
    return anchors;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export class Comments {
  constructor({ doc, strings }) {
    this.doc = doc;
    this.strings = strings;
    this.records = new Map(); // EditorView -> editor record
    this.byText = new Map(); // Y.Text -> editor record
    this.activeId = null;
    this.scheduled = false;
    this.listen();
  }

  /** CodeMirror extensions for one section's editor. */
  extensions() {
    return [
      anchorsField,
      EditorView.domEventHandlers({
        click: (event, view) => {
          const mark = event.target.closest?.(".cm-comment-anchor");
          if (mark) this.activate(mark.dataset.threadId, { scroll: true, focus: view.state.readOnly });
          return false;
        },
      }),
      EditorView.updateListener.of((update) => {
        if (update.selectionSet || update.focusChanged || update.geometryChanged) this.placeButton(update.view);
      }),
    ];
  }

  keyBindings() {
    return [{ key: "Mod-Alt-m", run: (view) => this.startComment(view), preventDefault: true }];
  }

  attach(record) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "collab-comment-button";
    button.hidden = true;
    button.innerHTML =
      '<svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14"><path fill="currentColor" d="M3 2h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H8.2L5 14.6V12H3a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z"/></svg>';
    button.append(this.strings.comment);
    const mac = /Mac|iP(hone|ad)/.test(navigator.platform);
    button.title = `${this.strings.comment} (${mac ? "⌘⌥M" : "Ctrl+Alt+M"})`;
    button.setAttribute("aria-keyshortcuts", mac ? "Meta+Alt+M" : "Control+Alt+M");
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    button.addEventListener("click", () => this.startComment(record.view));
    button.addEventListener("blur", () => this.placeButton(record.view));
    record.wrapper.append(button);
    record.commentButton = button;
    this.records.set(record.view, record);
    this.byText.set(record.ytext, record);
    this.scheduleRefresh();
  }

  listen() {
    this.doc.on("update", () => this.scheduleRefresh());
    document.addEventListener("htmx:afterSwap", () => this.scheduleRefresh());
    new MutationObserver((mutations) => {
      if (mutations.some(touchesCommentPanel)) this.scheduleRefresh();
    }).observe(document.body, { childList: true, subtree: true });
    document.addEventListener("click", (event) => {
      const quote = event.target.closest?.("#comment-panel [data-thread-id] .comment-quote");
      if (quote) this.selectThreadText(quote.closest("[data-thread-id]"));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      const quote = event.target.closest?.("#comment-panel [data-thread-id] .comment-quote");
      if (!quote) return;
      event.preventDefault();
      this.selectThreadText(quote.closest("[data-thread-id]"));
    });
  }

  // ---- the "Comment" button and form ----

  placeButton(view) {
    const record = this.records.get(view);
    const button = record?.commentButton;
    if (!button) return;
    const selection = view.state.selection.main;
    const wanted = !selection.empty && document.getElementById("new-comment-form") !== null;
    if (!wanted || !(view.hasFocus || document.activeElement === button)) {
      button.hidden = true;
      return;
    }
    view.requestMeasure({
      key: button,
      read: () => ({
        end: view.coordsAtPos(selection.to, -1),
        box: record.wrapper.getBoundingClientRect(),
      }),
      write: ({ end, box }) => {
        if (!end) return;
        button.hidden = false;
        const left = Math.min(Math.max(end.left - box.left - 12, 4), box.width - button.offsetWidth - 4);
        button.style.left = `${Math.max(left, 0)}px`;
        button.style.top = `${end.bottom - box.top + 6}px`;
      },
    });
  }

  /** Fill the new-comment form from the selection (or open the thread under the cursor). */
  startComment(view) {
    const record = this.records.get(view);
    const form = document.getElementById("new-comment-form");
    if (!record || !form) return false;
    const { from, to, empty } = view.state.selection.main;
    if (empty) return this.openThreadAt(view, from);
    const relative = (index, assoc) =>
      bytesToBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(record.ytext, index, assoc)));
    const quote = view.state.sliceDoc(from, to).slice(0, MAX_QUOTE);
    setField(form, "section_key", record.key);
    setField(form, "anchor_start", relative(from, 0));
    setField(form, "anchor_end", relative(to, -1));
    setField(form, "quote", quote);
    const preview = form.querySelector("[data-quote-preview]");
    if (preview) {
      preview.textContent = quote;
      preview.hidden = false;
    }
    record.commentButton.hidden = true;
    document.getElementById("comment-panel")?.scrollIntoView({ block: "nearest" });
    form.querySelector('[name="body"]')?.focus();
    return true;
  }

  openThreadAt(view, pos) {
    let threadId = null;
    view.state.field(anchorsField).between(pos, pos, (from, to, value) => {
      threadId = value.spec.attributes["data-thread-id"];
    });
    if (threadId === null) return false;
    this.activate(threadId, { scroll: true, focus: true });
    return true;
  }

  // ---- threads and highlights ----

  activate(threadId, { scroll = false, focus = false } = {}) {
    this.activeId = threadId;
    for (const el of document.querySelectorAll("#comment-panel [data-thread-id].is-active")) {
      el.classList.remove("is-active");
    }
    const thread = document.getElementById(`thread-${threadId}`);
    if (thread) {
      thread.classList.add("is-active");
      if (scroll) thread.scrollIntoView({ block: "nearest" });
      if (focus) {
        if (!thread.hasAttribute("tabindex")) thread.tabIndex = -1;
        thread.focus({ preventScroll: scroll });
      }
    }
    this.refresh();
  }

  selectThreadText(thread) {
    const range = thread && this.resolve(thread);
    if (!range || range.orphaned) return;
    const { view } = range.record;
    view.dispatch({
      selection: { anchor: range.from, head: range.to },
      effects: EditorView.scrollIntoView(range.from, { y: "center" }),
    });
    view.focus();
    this.activate(thread.dataset.threadId);
  }

  scheduleRefresh() {
    if (this.scheduled) return;
    this.scheduled = true;
    // Never dispatch inside a CodeMirror update or a Yjs transaction: wait for them to end.
    queueMicrotask(() => this.refresh());
  }

  refresh() {
    this.scheduled = false;
    if (this.records.size === 0) return;
    const ranges = new Map([...this.records.values()].map((record) => [record, []]));
    for (const thread of document.querySelectorAll("#comment-panel [data-thread-id]")) {
      const quote = thread.querySelector(".comment-quote");
      if (quote && !quote.hasAttribute("tabindex")) quote.tabIndex = 0;
      if (thread.dataset.status !== "open") continue;
      const range = this.resolve(thread);
      if (!range) continue;
      markOrphaned(thread, range.orphaned);
      if (range.orphaned) continue;
      const id = thread.dataset.threadId;
      const className = id === this.activeId ? "cm-comment-anchor is-active" : "cm-comment-anchor";
      const mark = Decoration.mark({ class: className, attributes: { "data-thread-id": id } });
      ranges.get(range.record).push(mark.range(range.from, range.to));
    }
    for (const [record, list] of ranges) {
      const decorations = Decoration.set(list, true);
      if (signature(decorations) !== signature(record.view.state.field(anchorsField))) {
        record.view.dispatch({ effects: setAnchors.of(decorations) });
      }
    }
  }

  /** Where a thread's anchors are now: `{record, from, to, orphaned}`, or null if unknown. */
  resolve(thread) {
    const start = decodeAnchor(thread.dataset.anchorStart);
    const end = decodeAnchor(thread.dataset.anchorEnd);
    if (!start || !end) return null;
    const from = Y.createAbsolutePositionFromRelativePosition(start, this.doc);
    const to = Y.createAbsolutePositionFromRelativePosition(end, this.doc);
    const record = (from && this.byText.get(from.type)) || this.recordForSection(thread.dataset.section);
    if (!record) return null;
    const orphaned = !from || !to || from.type !== record.ytext || to.type !== from.type || to.index <= from.index;
    return { record, from: from?.index, to: to?.index, orphaned };
  }

  recordForSection(key) {
    for (const record of this.records.values()) if (record.key === key) return record;
    return null;
  }
}

function setField(form, name, value) {
  const field = form.elements.namedItem(name);
  if (field) field.value = value;
}

function decodeAnchor(text) {
  if (!text) return null;
  try {
    return Y.decodeRelativePosition(base64ToBytes(text));
  } catch {
    return null;
  }
}

/** The server marks threads whose text is gone; we only undo the marks we added ourselves. */
function markOrphaned(thread, orphaned) {
  if (orphaned && !thread.classList.contains("is-orphaned")) {
    thread.classList.add("is-orphaned");
    thread.dataset.collabOrphaned = "";
  } else if (!orphaned && "collabOrphaned" in thread.dataset) {
    thread.classList.remove("is-orphaned");
    delete thread.dataset.collabOrphaned;
  }
}

function signature(decorations) {
  const parts = [];
  decorations.between(0, Number.MAX_SAFE_INTEGER, (from, to, value) => {
    parts.push(`${from}-${to}-${value.spec.class}-${value.spec.attributes["data-thread-id"]}`);
  });
  return parts.join(",");
}

function touchesCommentPanel(mutation) {
  if (mutation.target.closest?.("#comment-panel")) return true;
  const nodes = [...mutation.addedNodes, ...mutation.removedNodes];
  return nodes.some((node) => node.nodeType === 1 && (node.id === "comment-panel" || node.querySelector?.("#comment-panel")));
}
