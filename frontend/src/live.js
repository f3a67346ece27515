// Live structure: the server says which parts of the page changed ({"type": "changed", "parts":
// [...]}) on the events socket; every `[data-live-part~=PART][id]` is then re-fetched from the
// page URL and swapped in, unless the person is busy in it (focus inside, or unsaved input).
import { debounce, hasUnsavedInput, socketUrl } from "./dom.js";

const REFRESH_DELAY_MS = 200;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10000;

export function startLiveParts({ eventsUrl, pageUrl, onPage }) {
  const waiting = new Set(); // parts to refresh
  const deferred = new Set(); // ids of elements left alone while someone is busy in them
  let running = null;

  const refreshSoon = debounce(() => {
    if (running) running.then(refreshSoon);
    else running = refresh().finally(() => (running = null));
  }, REFRESH_DELAY_MS);

  const request = (parts) => {
    for (const part of parts) if (typeof part === "string") waiting.add(part);
    if (waiting.size) refreshSoon();
  };

  async function refresh() {
    const parts = [...waiting];
    waiting.clear();
    const targets = elementsOf(parts);
    // A status change may also change who can write, which the page says on #collab-root.
    if (!pageUrl || (!targets.length && !parts.includes("status"))) return;
    let html;
    try {
      const response = await fetch(pageUrl, { headers: { "X-Hansei-Live": "1" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(`${response.status}`);
      html = await response.text();
    } catch {
      for (const part of parts) waiting.add(part); // try again with the next event or reconnect
      return;
    }
    const page = new DOMParser().parseFromString(html, "text/html");
    for (const el of targets) {
      // Live editors are never replaced from the server's HTML: their text lives in the Y.Doc.
      if (!el.isConnected || el.querySelector(".cm-editor")) continue;
      if (isBusy(el)) deferred.add(el.id);
      else replaceFrom(page, el);
    }
    onPage?.(page);
  }

  // Elements left alone get their turn when the person is done with them.
  const retryDeferred = () =>
    setTimeout(() => {
      for (const id of [...deferred]) {
        const el = document.getElementById(id);
        if (el && isBusy(el)) continue;
        deferred.delete(id);
        if (el) request(partsOf(el));
      }
    }, 0);
  for (const type of ["focusout", "htmx:afterRequest", "htmx:afterSwap", "reset"]) {
    document.addEventListener(type, () => deferred.size && retryDeferred());
  }

  if (eventsUrl) connectEvents(socketUrl(eventsUrl), request);
  return { request };
}

function connectEvents(url, request) {
  let failures = 0;
  let closedBefore = false;
  const connect = () => {
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      return;
    }
    socket.addEventListener("open", () => {
      failures = 0;
      // What changed while we were away is unknown: refresh every live part once.
      if (closedBefore) request(allParts());
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message?.type === "changed" && Array.isArray(message.parts)) request(message.parts);
    });
    socket.addEventListener("close", () => {
      const delay = Math.min(MIN_BACKOFF_MS * 2 ** failures, MAX_BACKOFF_MS);
      failures += 1;
      closedBefore = true;
      setTimeout(connect, delay * (0.75 + Math.random() / 2));
    });
  };
  connect();
}

function elementsOf(parts) {
  const found = new Set();
  for (const part of parts) {
    for (const el of document.querySelectorAll(`[data-live-part~="${CSS.escape(part)}"][id]`)) found.add(el);
  }
  // An element inside another one that is replaced goes with it.
  return [...found].filter((el) => ![...found].some((other) => other !== el && other.contains(el)));
}

function partsOf(el) {
  return (el.dataset.livePart || "").split(/\s+/).filter(Boolean);
}

function allParts() {
  const parts = new Set();
  for (const el of document.querySelectorAll("[data-live-part][id]")) for (const p of partsOf(el)) parts.add(p);
  return [...parts];
}

function isBusy(el) {
  const active = document.activeElement;
  if (active && active !== document.body && el.contains(active)) return true;
  return hasUnsavedInput(el);
}

function replaceFrom(page, el) {
  const fresh = page.getElementById(el.id);
  if (!fresh) return;
  const adopted = document.importNode(fresh, true);
  el.replaceWith(adopted);
  window.htmx?.process(adopted);
}
