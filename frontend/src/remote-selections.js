// Other people's cursors and selections in a section editor.
//
// This is y-codemirror.next's yRemoteSelections (MIT, Kevin Jahns) changed in one way: it
// writes no style="" attribute, which the page's Content-Security-Policy refuses. A selection's
// colour is a class whose rule this module adds to its own stylesheet (through the CSSOM, which
// the policy allows); a caret's colour is set through element.style.
import * as Y from "yjs";
import { Annotation } from "@codemirror/state";
import { Decoration, ViewPlugin, WidgetType } from "@codemirror/view";
import { yRemoteSelectionsTheme } from "y-codemirror.next";
import { cspNonce } from "./dom.js";

const DEFAULT_COLOR = "#30bced";
const remoteChange = Annotation.define();

/** Only hex colours reach a rule: awareness states come from other browsers. */
function safeColor(color, fallback) {
  return typeof color === "string" && /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(color) ? color : fallback;
}

let sheet = null;
const classes = new Map(); // colour -> class name

function stylesheet() {
  if (sheet) return sheet;
  if (document.adoptedStyleSheets && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement("style");
    style.nonce = cspNonce();
    document.head.append(style);
    sheet = style.sheet;
  }
  return sheet;
}

/** The class that paints a selection's background in `color`. */
function backgroundClass(color) {
  let name = classes.get(color);
  if (!name) {
    name = `cm-ySelectionColor-${color.slice(1).toLowerCase()}`;
    stylesheet().insertRule(`.${name} { background-color: ${color}; }`);
    classes.set(color, name);
  }
  return name;
}

class RemoteCaret extends WidgetType {
  constructor(color, name) {
    super();
    this.color = color;
    this.name = name;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-ySelectionCaret";
    caret.style.backgroundColor = this.color;
    caret.style.borderColor = this.color;
    const dot = document.createElement("div");
    dot.className = "cm-ySelectionCaretDot";
    const info = document.createElement("div");
    info.className = "cm-ySelectionInfo";
    info.textContent = this.name;
    caret.append("\u2060", dot, "\u2060", info, "\u2060");
    return caret;
  }

  eq(widget) {
    return widget.color === this.color && widget.name === this.name;
  }

  compare(widget) {
    return this.eq(widget);
  }

  updateDOM() {
    return false;
  }

  get estimatedHeight() {
    return -1;
  }

  ignoreEvent() {
    return true;
  }
}

class RemoteSelections {
  constructor(view, ytext, awareness) {
    this.ytext = ytext;
    this.awareness = awareness;
    this.decorations = Decoration.none;
    this.listener = ({ added, updated, removed }) => {
      const clients = added.concat(updated, removed);
      if (clients.some((id) => id !== awareness.doc.clientID)) {
        view.dispatch({ annotations: [remoteChange.of([])] });
      }
    };
    awareness.on("change", this.listener);
  }

  destroy() {
    this.awareness.off("change", this.listener);
  }

  update(update) {
    this.publishOwnCursor(update);
    const decorations = [];
    this.awareness.getStates().forEach((state, client) => {
      if (client !== this.awareness.doc.clientID) decorations.push(...this.decorationsOf(state, update.view));
    });
    this.decorations = Decoration.set(decorations, true);
  }

  /** Our cursor, as relative positions, in our awareness state while the editor has focus. */
  publishOwnCursor(update) {
    const local = this.awareness.getLocalState();
    if (local == null) return;
    const hasFocus = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
    const selection = hasFocus ? update.state.selection.main : null;
    if (selection != null) {
      const anchor = Y.createRelativePositionFromTypeIndex(this.ytext, selection.anchor);
      const head = Y.createRelativePositionFromTypeIndex(this.ytext, selection.head);
      const current = local.cursor;
      if (
        current == null ||
        !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) ||
        !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)
      ) {
        this.awareness.setLocalStateField("cursor", { anchor, head });
      }
    } else if (local.cursor != null && hasFocus) {
      this.awareness.setLocalStateField("cursor", null);
    }
  }

  decorationsOf(state, view) {
    const cursor = state.cursor;
    if (cursor == null || cursor.anchor == null || cursor.head == null) return [];
    const doc = this.ytext.doc;
    const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, doc);
    const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, doc);
    if (anchor == null || head == null || anchor.type !== this.ytext || head.type !== this.ytext) return [];
    const user = state.user || {};
    const color = safeColor(user.color, DEFAULT_COLOR);
    const light = safeColor(user.colorLight, color.length === 7 ? `${color}33` : color);
    const background = backgroundClass(light);
    const mark = Decoration.mark({ class: `cm-ySelection ${background}` });
    const start = Math.min(anchor.index, head.index);
    const end = Math.max(anchor.index, head.index);
    const startLine = view.state.doc.lineAt(start);
    const endLine = view.state.doc.lineAt(end);
    const ranges = [];
    const markFrom = (from, to) => {
      if (to > from) ranges.push(mark.range(from, to)); // CodeMirror refuses empty marks
    };
    if (startLine.number === endLine.number) {
      markFrom(start, end);
    } else {
      markFrom(start, startLine.to);
      markFrom(endLine.from, end);
      const line = Decoration.line({ class: `cm-yLineSelection ${background}` });
      for (let n = startLine.number + 1; n < endLine.number; n++) {
        const from = view.state.doc.line(n).from;
        ranges.push(line.range(from));
      }
    }
    const caret = Decoration.widget({
      side: head.index - anchor.index > 0 ? -1 : 1, // our own cursor stays outside their selection
      block: false,
      widget: new RemoteCaret(color, typeof user.name === "string" ? user.name : "Anonymous"),
    });
    ranges.push(caret.range(head.index));
    return ranges;
  }
}

/** Other people's cursors and selections in an editor of `ytext`. */
export function remoteSelections(ytext, awareness) {
  const plugin = ViewPlugin.define((view) => new RemoteSelections(view, ytext, awareness), {
    decorations: (value) => value.decorations,
  });
  return [yRemoteSelectionsTheme, plugin];
}
