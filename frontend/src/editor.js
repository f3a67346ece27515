// One CodeMirror 6 editor per Markdown section, bound to the section's Y.Text.
import * as Y from "yjs";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightSpecialChars, keymap, placeholder } from "@codemirror/view";
import { indentLess, indentMore, selectLine, standardKeymap } from "@codemirror/commands";
import { HighlightStyle, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { markdownKeymap, markdownLanguage } from "@codemirror/lang-markdown";
import { tags } from "@lezer/highlight";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { cspNonce } from "./dom.js";
import { remoteSelections } from "./remote-selections.js";

// The standard keys plus a few editing ones: Tab is left alone so it moves the focus out.
const editingKeymap = [
  ...standardKeymap,
  { key: "Mod-]", run: indentMore },
  { key: "Mod-[", run: indentLess },
  { key: "Alt-l", mac: "Ctrl-l", run: selectLine },
];

const markdownStyle = HighlightStyle.define([
  { tag: tags.heading, fontWeight: "700", color: "var(--text, #1c2333)" },
  { tag: tags.strong, fontWeight: "700" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strikethrough, textDecoration: "line-through" },
  { tag: [tags.link, tags.url], color: "var(--primary, #3b4cca)" },
  { tag: tags.monospace, color: "#7a3e9d" },
  { tag: tags.quote, color: "var(--text-2, #4a5468)" },
  { tag: [tags.processingInstruction, tags.contentSeparator, tags.meta], color: "var(--muted, #6b7589)" },
]);

function readOnlyExtension(canWrite) {
  if (canWrite) return [];
  // Text stays selectable (people who may only read can still comment on it).
  return [EditorState.readOnly.of(true), EditorView.contentAttributes.of({ "aria-readonly": "true" })];
}

/**
 * Replace `section.textarea` by an editor of `ytext`. The editor starts from the Y.Text (which
 * the server seeded), never from the textarea, so the text is never inserted twice.
 */
export function createSectionEditor({ section, ytext, awareness, canWrite, extensions = [], keys = [] }) {
  const { textarea } = section;
  const readOnly = new Compartment();
  const undoManager = new Y.UndoManager(ytext);
  const contentAttributes = { "aria-label": section.label, "aria-multiline": "true" };
  const describedBy = textarea.getAttribute("aria-describedby");
  if (describedBy) contentAttributes["aria-describedby"] = describedBy;

  const state = EditorState.create({
    doc: ytext.toString(),
    extensions: [
      keymap.of([...keys, ...yUndoManagerKeymap, ...markdownKeymap, ...editingKeymap]),
      drawSelection(),
      highlightSpecialChars(),
      EditorView.lineWrapping,
      // Not markdown(): that also bundles the HTML, CSS and JavaScript parsers (+250 KB).
      new LanguageSupport(markdownLanguage),
      syntaxHighlighting(markdownStyle),
      placeholder(textarea.getAttribute("placeholder") || ""),
      EditorView.contentAttributes.of(contentAttributes),
      readOnly.of(readOnlyExtension(canWrite)),
      // CodeMirror's own <style> elements carry the page's nonce (the policy refuses others).
      EditorView.cspNonce.of(cspNonce()),
      // No awareness for yCollab: its remote selections write style="" attributes.
      yCollab(ytext, null, { undoManager }),
      remoteSelections(ytext, awareness),
      extensions,
    ],
  });

  const wrapper = document.createElement("div");
  wrapper.className = canWrite ? "collab-editor" : "collab-editor is-readonly";
  wrapper.dataset.section = section.key;
  textarea.before(wrapper);
  const view = new EditorView({ state, parent: wrapper });
  textarea.hidden = true;
  textarea.disabled = true;
  // The label points at the hidden textarea: let it focus the editor instead.
  section.labelEl?.addEventListener("click", (event) => {
    event.preventDefault();
    view.focus();
  });

  return {
    key: section.key,
    section,
    view,
    ytext,
    undoManager,
    wrapper,
    canWrite,
    setCanWrite(value) {
      if (value === this.canWrite) return;
      this.canWrite = value;
      wrapper.classList.toggle("is-readonly", !value);
      view.dispatch({ effects: readOnly.reconfigure(readOnlyExtension(value)) });
    },
  };
}
