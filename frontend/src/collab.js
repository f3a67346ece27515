// Live co-editing of a postmortem: one Y.Doc for the page, one Y.Text per Markdown section,
// kept in sync with the server by y-websocket. The page works without this script (each
// section is a form with a Save button); this enhances it when #collab-root is present.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { Comments } from "./comments.js";
import { csrfToken, debounce, lightColor, readStrings, socketUrl } from "./dom.js";
import { createSectionEditor } from "./editor.js";
import { Lint } from "./lint.js";
import { startLiveParts } from "./live.js";
import { startPresence } from "./presence.js";
import { SaveState } from "./save-state.js";

const PREVIEW_DELAY_MS = 400;
// Without a first sync by then, the page falls back to saving each section with its button.
const FIRST_SYNC_TIMEOUT_MS = 10000;

function start() {
  const root = document.getElementById("collab-root");
  if (!root || window.hanseiCollab) return;
  const config = root.dataset;
  let canWrite = config.canWrite === "true";
  const strings = readStrings();
  const sections = findSections();
  for (const section of sections) holdSection(section);

  const doc = new Y.Doc();
  const provider = new WebsocketProvider(socketUrl(config.wsUrl || "/ws/collab"), config.room, doc, {
    resyncInterval: 3000,
    maxBackoffTime: 5000,
  });
  const color = config.userColor || "#3b4cca";
  provider.awareness.setLocalStateField("user", {
    id: config.userId,
    name: config.userName,
    color,
    colorLight: lightColor(color),
  });
  provider.awareness.setLocalStateField("section", null);

  const statusEl = document.getElementById("collab-status");
  const saveState = new SaveState({ doc, provider, statusEl, strings, canWrite });
  const comments = new Comments({ doc, strings });
  const lint = new Lint({ root, strings });
  const editors = new Map(); // section key -> EditorView
  const records = [];
  startPresence({
    awareness: provider.awareness,
    presenceEl: document.getElementById("presence"),
    sections,
    selfId: config.userId,
  });

  provider.on("sync", (synced) => {
    if (!synced || records.length) return;
    for (const section of sections) {
      const ytext = doc.getText(section.key);
      const record = createSectionEditor({
        section,
        ytext,
        awareness: provider.awareness,
        canWrite,
        extensions: [comments.extensions(), lint.extension(section.key)],
        keys: [...comments.keyBindings(), ...lint.keyBindings()],
      });
      comments.attach(record);
      trackFocus(record, provider.awareness, records);
      startPreview(section, ytext, config.previewUrl);
      records.push(record);
      editors.set(section.key, record.view);
    }
  });

  startLiveParts({
    eventsUrl: config.eventsUrl,
    pageUrl: config.pageUrl,
    onPage(page) {
      const fresh = page.getElementById("collab-root");
      if (!fresh || (fresh.dataset.canWrite === "true") === canWrite) return;
      canWrite = fresh.dataset.canWrite === "true";
      root.dataset.canWrite = String(canWrite);
      for (const record of records) record.setCanWrite(canWrite);
      saveState.setCanWrite(canWrite);
    },
  });

  // No WebSocket (a proxy that drops upgrades, a server without them): the page stays usable
  // as plain forms instead of waiting for a connection that never comes.
  let fellBack = false;
  const fallBack = () => {
    if (fellBack || records.length) return;
    fellBack = true;
    clearTimeout(timer);
    saveState.stop(strings.unavailable || "Live editing is unavailable: save each section with its button.");
    provider.destroy();
    for (const section of sections) releaseSection(section);
  };
  const timer = setTimeout(fallBack, FIRST_SYNC_TIMEOUT_MS);
  provider.on("connection-close", () => provider.synced || fallBack());
  provider.on("connection-error", () => provider.synced || fallBack());
  provider.on("sync", (synced) => synced && clearTimeout(timer));

  window.hanseiCollab = { doc, provider, editors };
}

/** The Markdown sections of the page, with the elements this script works with. */
function findSections() {
  const sections = [];
  for (const el of document.querySelectorAll("[data-collab-section]")) {
    const key = el.dataset.collabSection;
    const textarea = el.querySelector(`#body-${CSS.escape(key)}`) || el.querySelector('textarea[name="body"]');
    if (!key || !textarea) continue;
    const labelEl = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
    const heading = el.querySelector("h2, h3");
    const label = (labelEl || heading)?.textContent.trim() || key;
    const preview = el.querySelector(`#preview-${CSS.escape(key)}`);
    sections.push({ key, el, textarea, labelEl, label, preview, form: textarea.form });
  }
  return sections;
}

/** Until the first sync: the server's text stays visible but cannot be edited or saved. */
function holdSection(section) {
  section.textarea.disabled = true;
  section.el.classList.add("is-live");
  const { form } = section;
  if (!form) return;
  section.hiddenButtons = [];
  for (const button of form.querySelectorAll('button[type="submit"], button:not([type]):not([data-tab-target])')) {
    if (!button.hidden) section.hiddenButtons.push(button);
    button.hidden = true;
  }
  const saveState = form.querySelector(".save-state");
  if (saveState) saveState.textContent = "";
  // Edits are saved live; a form submit would overwrite them with the old text. Capture on
  // the document so this runs before htmx's own listener on the form.
  section.blockSubmit = (event) => {
    if (event.target !== form) return;
    event.preventDefault();
    event.stopPropagation();
  };
  document.addEventListener("submit", section.blockSubmit, true);
}

/** Back to the plain form: live editing could not start. */
function releaseSection(section) {
  section.textarea.disabled = false;
  section.el.classList.remove("is-live");
  for (const button of section.hiddenButtons || []) button.hidden = false;
  if (section.blockSubmit) document.removeEventListener("submit", section.blockSubmit, true);
}

/** The awareness `section` field says which section this person is writing in. */
function trackFocus(record, awareness, records) {
  record.wrapper.addEventListener("focusin", () => {
    if (awareness.getLocalState()?.section !== record.key) awareness.setLocalStateField("section", record.key);
  });
  record.wrapper.addEventListener("focusout", () => {
    setTimeout(() => {
      if (records.some((r) => r.wrapper.contains(document.activeElement))) return;
      if (awareness.getLocalState()?.section != null) awareness.setLocalStateField("section", null);
    }, 0);
  });
}

/** Keep the rendered preview next to the editor up to date, for everyone's edits. */
function startPreview(section, ytext, previewUrl) {
  if (!section.preview || !previewUrl) return;
  let latest = 0;
  const render = debounce(async () => {
    const request = ++latest;
    try {
      const response = await fetch(previewUrl, {
        method: "POST",
        body: new URLSearchParams({ body: ytext.toString() }),
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const html = await response.text();
      if (request === latest) section.preview.innerHTML = html;
    } catch {
      // Offline: the preview catches up with the next change.
    }
  }, PREVIEW_DELAY_MS);
  ytext.observe(() => render());
  // The server renders the preview from its database copy, which may lag behind the live text.
  if (ytext.toString() !== section.textarea.value) render();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
