// The blameless writing assistant in the editor: each section's text is sent to the lint API
// as people type (theirs and others' edits), findings are underlined by severity, and hovering
// one (or F8 on it) shows the message, the rewrite, the reason and, for writers, a form to
// dismiss it with a reason. The sidebar's lint panel (server-rendered) follows the text.
import { ChangeSet, Facet, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, activateHover, closeHoverTooltip, hoverTooltip } from "@codemirror/view";
import { csrfToken, debounce, hasUnsavedInput } from "./dom.js";

const LINT_DELAY_MS = 600;
const PANEL_DELAY_MS = 3000;
const SEVERITIES = new Set(["error", "warning", "info"]);
// The API is not there (an older server): stop asking.
const GONE = new Set([404, 405, 410, 501]);

const ENGLISH = {
  lint_suggestion: "Suggestion:",
  lint_why: "Why:",
  lint_reason: "Reason for dismissing",
  lint_dismiss: "Dismiss",
  lint_dismissed: "Dismissed",
  lint_error: "Could not dismiss it. Try again.",
};

const sectionKey = Facet.define({ combine: (values) => values[0] || "" });
const setFindings = StateEffect.define();
const dropFingerprint = StateEffect.define();

const findingsField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setFindings)) marks = effect.value;
      if (effect.is(dropFingerprint)) {
        marks = marks.update({ filter: (from, to, value) => value.spec.finding.fingerprint !== effect.value });
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The findings whose range holds `pos` (ends included), narrowest first. */
function findingsAt(state, pos) {
  const found = [];
  state.field(findingsField).between(pos, pos, (from, to, value) => {
    found.push({ from, to, finding: value.spec.finding });
  });
  return found.sort((a, b) => a.to - a.from - (b.to - b.from));
}

export class Lint {
  constructor({ root, strings }) {
    this.root = root;
    this.strings = { ...ENGLISH, ...strings };
    this.postmortemId = /(\d+)$/.exec(root.dataset.room || "")?.[1] || "";
    const panel = document.getElementById("lint-panel");
    this.url = root.dataset.lintUrl || panel?.dataset.lintUrl || "/api/v1/lint";
    this.enabled = Boolean(this.postmortemId);
    this.dismissed = new Set(); // fingerprints dismissed here, until the API says so too
    this.views = new Set();
    this.tooltips = new WeakMap(); // finding -> its stable tooltip `create` (keeps an open one open)
    this.refreshPanelSoon = debounce(() => this.refreshPanel(), PANEL_DELAY_MS);
    this.hover = hoverTooltip((view, pos, side) => this.tooltipsAt(view, pos, side), { hoverTime: 250 });
    this.announcer = document.createElement("div");
    this.announcer.className = "visually-hidden";
    this.announcer.setAttribute("aria-live", "polite");
    document.body.append(this.announcer);
    // A finding dismissed in the panel: lint again, the API now says it is dismissed.
    document.addEventListener("htmx:afterRequest", (event) => {
      const { target, requestConfig, successful } = event.detail || {};
      if (successful && requestConfig?.verb !== "get" && target?.id === "lint-panel") this.relintAll();
    });
  }

  /** Writers dismiss findings (the panel knows when they may not: outside drafts). */
  get canDismiss() {
    const panel = document.getElementById("lint-panel");
    return this.root.dataset.canWrite === "true" && panel?.dataset.canDismiss !== "false";
  }

  get dismissalsUrl() {
    const panel = document.getElementById("lint-panel");
    return panel?.dataset.lintDismissalsUrl || `/api/v1/postmortems/${this.postmortemId}/lint/dismissals`;
  }

  /** CodeMirror extensions for the editor of section `key`. */
  extension(key) {
    this.plugin ||= this.makePlugin();
    this.touch ||= EditorView.domEventHandlers({
      // No hover on touch screens: a tap on underlined words opens their tooltip.
      pointerup: (event, view) => {
        if (event.pointerType !== "touch") return false;
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
        const [hit] = pos === null ? [] : findingsAt(view.state, pos);
        if (hit) setTimeout(() => this.pin(view, hit.from, hit.to), 0);
        return false;
      },
    });
    return [sectionKey.of(key), findingsField, this.plugin, this.hover, this.touch];
  }

  makePlugin() {
    const lint = this;
    return ViewPlugin.fromClass(
      class {
        constructor(view) {
          this.view = view;
          this.latest = 0;
          this.inFlight = null; // {id, changes since the text was sent}
          this.lastAnnounced = null;
          this.schedule = debounce(() => this.run(), LINT_DELAY_MS);
          lint.views.add(view);
          this.schedule();
        }

        update(update) {
          if (update.docChanged) {
            if (this.inFlight) this.inFlight.changes = this.inFlight.changes.compose(update.changes);
            this.schedule();
            lint.refreshPanelSoon();
          } else if (update.selectionSet && update.view.hasFocus) {
            this.announceAtCursor();
          }
        }

        async run() {
          try {
            await this.check();
          } finally {
            lint.settled();
          }
        }

        async check() {
          const { view } = this;
          // The first request tells whether the API is there: the other sections wait for it.
          if (lint.probe) await lint.probe;
          if (!lint.enabled || this.destroyed) return;
          const text = view.state.doc.toString();
          const id = ++this.latest;
          if (!text.trim()) {
            this.inFlight = null;
            view.dispatch({ effects: setFindings.of(Decoration.none) });
            return;
          }
          this.inFlight = { id, changes: ChangeSet.empty(text.length) };
          const request = lint.post(lint.url, {
            text,
            lang: "auto",
            postmortem: Number(lint.postmortemId),
            section: view.state.facet(sectionKey),
          });
          lint.probe ||= request;
          const data = await request;
          if (id !== this.latest || this.destroyed) return; // a newer text was sent since
          const { changes } = this.inFlight;
          this.inFlight = null;
          if (!data || !data.ok || !Array.isArray(data.body?.findings)) {
            if (!lint.enabled) view.dispatch({ effects: setFindings.of(Decoration.none) });
            return;
          }
          view.dispatch({ effects: setFindings.of(lint.decorations(data.body.findings, view.state.doc, changes)) });
        }

        /** Screen readers hear a finding's message when the cursor moves into it. */
        announceAtCursor() {
          const { main } = this.view.state.selection;
          const [hit] = main.empty ? findingsAt(this.view.state, main.head) : [];
          const finding = hit?.finding || null;
          if (finding && finding !== this.lastAnnounced) lint.announce(`${finding.message} (F8)`);
          this.lastAnnounced = finding;
        }

        destroy() {
          this.destroyed = true;
          this.schedule.cancel();
          lint.views.delete(this.view);
        }
      },
    );
  }

  /** Every finished check (applied, stale, skipped or failed) counts on the live root, so
   * tests and scripts can wait for "the editor has answered" rather than for a time. */
  settled() {
    this.runs = (this.runs || 0) + 1;
    this.root.dataset.lintRuns = String(this.runs);
  }

  keyBindings() {
    return [
      { key: "F8", run: (view) => this.open(view, 1), preventDefault: true },
      { key: "Shift-F8", run: (view) => this.open(view, -1), preventDefault: true },
      { key: "Escape", run: (view) => this.close(view) },
    ];
  }

  /** Marks for the API's findings; ranges follow the edits made while the request was out. */
  decorations(findings, doc, changes) {
    const marks = [];
    for (const finding of findings) {
      if (!finding || finding.dismissed || this.dismissed.has(finding.fingerprint)) continue;
      let from = finding.start_utf16 ?? finding.start;
      let to = finding.end_utf16 ?? finding.end;
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > changes.length || from >= to) continue;
      if (!changes.empty) {
        const touched = changes.touchesRange(from, to);
        from = changes.mapPos(from, 1);
        to = changes.mapPos(to, -1);
        // Edited words are only kept if they still read the same (else the next lint decides).
        if (from >= to || (touched && doc.sliceString(from, to) !== finding.text)) continue;
      }
      const severity = SEVERITIES.has(finding.severity) ? finding.severity : "info";
      const mark = Decoration.mark({
        class: `cm-lint cm-lint-${severity}`,
        attributes: { "data-lint-rule": String(finding.rule || "") },
        finding,
      });
      marks.push(mark.range(from, to));
    }
    return Decoration.set(marks, true);
  }

  /** POST JSON; `{ok, status, body}`, or null when offline. Never throws. */
  async post(url, payload) {
    try {
      const response = await fetch(url, {
        method: "POST",
        body: JSON.stringify(payload),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (url === this.url && GONE.has(response.status)) this.enabled = false;
      let body = null;
      try {
        body = await response.json();
      } catch {
        // not JSON: an HTML error page
      }
      return { ok: response.ok, status: response.status, body };
    } catch {
      return null;
    }
  }

  relintAll() {
    this.dismissed.clear(); // the API knows now (a finding may also have been opened again)
    for (const view of this.views) view.plugin(this.plugin)?.schedule();
  }

  refreshPanel() {
    const panel = document.getElementById("lint-panel");
    const htmx = window.htmx;
    if (!panel || !htmx || !this.postmortemId) return;
    // Someone is writing a reason in the panel: do not replace it under their fingers.
    if (panel.contains(document.activeElement) || hasUnsavedInput(panel)) {
      this.refreshPanelSoon();
      return;
    }
    const url = panel.dataset.panelUrl || panel.dataset.lintPanelUrl || `/postmortems/${this.postmortemId}/lint/`;
    Promise.resolve(htmx.ajax("GET", url, { target: "#lint-panel", swap: "outerHTML" })).catch(() => {});
  }

  announce(text) {
    this.announcer.textContent = "";
    // A change of text is what makes screen readers speak; set it on the next frame.
    requestAnimationFrame(() => {
      this.announcer.textContent = text;
    });
  }

  // ---- tooltips ----

  tooltipsAt(view, pos, side) {
    const hits = findingsAt(view.state, pos).filter(
      ({ from, to }) => !((pos === from && side < 0) || (pos === to && side > 0)),
    );
    return hits.map(({ from, to, finding }) => ({ pos: from, end: to, create: this.creator(finding) }));
  }

  creator(finding) {
    let create = this.tooltips.get(finding);
    if (!create) {
      create = (view) => this.renderTooltip(view, finding);
      this.tooltips.set(finding, create);
    }
    return create;
  }

  /** F8: open the finding under the cursor, else go to the next (Shift: previous) one. */
  open(view, direction) {
    const { head } = view.state.selection.main;
    let [hit] = findingsAt(view.state, head);
    if (!hit) {
      const all = [];
      view.state.field(findingsField).between(0, view.state.doc.length, (from, to, value) => {
        all.push({ from, to, finding: value.spec.finding });
      });
      if (!all.length) return false;
      hit =
        direction > 0
          ? all.find((f) => f.from > head) || all[0]
          : [...all].reverse().find((f) => f.to < head) || all[all.length - 1];
      view.dispatch({ selection: { anchor: hit.from }, effects: EditorView.scrollIntoView(hit.from, { y: "nearest" }) });
    }
    this.pin(view, hit.from, hit.to);
    const { finding } = hit;
    const parts = [finding.message];
    if (finding.suggestion) parts.push(`${this.strings.lint_suggestion} ${finding.suggestion}`);
    this.announce(parts.join(" "));
    return true;
  }

  /** Keep the tooltip open until the cursor leaves the words (or they are gone). */
  pin(view, from, to) {
    const range = { from, to };
    activateHover(view, from, 1, {
      tooltip: this.hover,
      until: (tr) => {
        if (tr.docChanged) {
          range.from = tr.changes.mapPos(range.from, 1);
          range.to = tr.changes.mapPos(range.to, -1);
          if (range.from >= range.to) return true;
        }
        const head = tr.selection?.main.head;
        return head !== undefined && (head < range.from || head > range.to);
      },
    });
  }

  close(view) {
    if (!view.state.field(this.hover.active).length) return false;
    view.dispatch({ effects: closeHoverTooltip(this.hover) });
    return true;
  }

  renderTooltip(view, finding) {
    const { strings } = this;
    const severity = SEVERITIES.has(finding.severity) ? finding.severity : "info";
    const dom = element("div", `cm-lint-tooltip cm-lint-tooltip-${severity}`);
    dom.setAttribute("role", "group");
    dom.setAttribute("aria-label", finding.message || "");
    dom.append(element("p", "cm-lint-message", finding.message));
    if (finding.suggestion) dom.append(labelled("cm-lint-suggestion", strings.lint_suggestion, finding.suggestion));
    if (finding.explanation) dom.append(labelled("cm-lint-why", strings.lint_why, finding.explanation));
    if (this.canDismiss && view.state.facet(sectionKey)) dom.append(this.dismissForm(view, finding));

    // Escape anywhere in it closes it; leaving it with the keyboard closes it too.
    dom.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      this.close(view);
      view.focus();
    });
    dom.addEventListener("focusin", () => {
      // Opened by the mouse: writing a reason must not close it when the pointer moves away.
      if (dom.dataset.pinned) return;
      dom.dataset.pinned = "true";
      const [hit] = findingsAt(view.state, view.state.selection.main.head).filter((h) => h.finding === finding);
      const at = hit || this.rangeOf(view, finding);
      if (at) this.pin(view, at.from, at.to);
    });
    dom.addEventListener("focusout", (event) => {
      if (dom.contains(event.relatedTarget)) return;
      if (event.relatedTarget && view.contentDOM.contains(event.relatedTarget)) return;
      setTimeout(() => {
        if (!dom.contains(document.activeElement)) this.close(view);
      }, 0);
    });
    // Clear of the wavy underline.
    return { dom, offset: { x: 0, y: 5 } };
  }

  rangeOf(view, finding) {
    let found = null;
    view.state.field(findingsField).between(0, view.state.doc.length, (from, to, value) => {
      if (value.spec.finding === finding) found = { from, to };
    });
    return found;
  }

  dismissForm(view, finding) {
    const { strings } = this;
    const form = element("form", "cm-lint-dismiss");
    form.noValidate = false;
    const label = element("label", "cm-lint-reason-label", strings.lint_reason);
    const input = element("input", "cm-lint-reason");
    input.type = "text";
    input.name = "reason";
    input.required = true;
    input.maxLength = 1000;
    input.autocomplete = "off";
    input.id = `lint-reason-${Math.random().toString(36).slice(2, 10)}`;
    label.htmlFor = input.id;
    const button = element("button", "cm-lint-dismiss-button", strings.lint_dismiss);
    button.type = "submit";
    const error = element("p", "cm-lint-failure");
    error.setAttribute("role", "alert");
    error.hidden = true;
    const row = element("div", "cm-lint-dismiss-row");
    row.append(input, button);
    form.append(label, row, error);
    input.addEventListener("input", () => input.setCustomValidity(""));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      event.stopPropagation();
      const reason = input.value.trim();
      if (!reason) {
        input.value = "";
        input.reportValidity();
        return;
      }
      button.disabled = true;
      error.hidden = true;
      const result = await this.post(this.dismissalsUrl, {
        fingerprint: finding.fingerprint,
        rule: finding.rule,
        section: view.state.facet(sectionKey),
        text: finding.text,
        reason,
      });
      button.disabled = false;
      if (result && (result.status === 201 || result.status === 200)) {
        this.afterDismiss(view, finding, form.contains(document.activeElement));
        return;
      }
      error.textContent = errorMessage(result?.body) || strings.lint_error;
      error.hidden = false;
    });
    return form;
  }

  afterDismiss(view, finding, hadFocus) {
    this.dismissed.add(finding.fingerprint);
    view.dispatch({ effects: [dropFingerprint.of(finding.fingerprint), closeHoverTooltip(this.hover)] });
    if (hadFocus) view.focus();
    this.announce(this.strings.lint_dismissed);
    this.refreshPanel();
  }
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function labelled(className, label, text) {
  const p = element("p", className);
  p.append(element("span", "cm-lint-label", label), " ", text);
  return p;
}

/** A readable message from an API error body ({detail}, {error}, {errors: {field: [..]}}). */
function errorMessage(body) {
  if (!body || typeof body !== "object") return "";
  for (const key of ["detail", "error", "message"]) {
    if (typeof body[key] === "string" && body[key]) return body[key];
  }
  const errors = body.errors || body.detail;
  if (errors && typeof errors === "object") {
    const first = Object.values(errors).flat()[0];
    if (typeof first === "string") return first;
    if (first && typeof first.msg === "string") return first.msg;
    if (first && typeof first.message === "string") return first.message;
  }
  return "";
}
