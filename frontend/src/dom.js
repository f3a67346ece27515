// Small helpers to read what the server rendered into the page.

const DEFAULT_STRINGS = {
  connecting: "Connecting…",
  saved: "All changes saved",
  saving: "Saving…",
  offline: "Offline: your edits will be sent when the connection is back",
  readonly: "Read only",
  reconnected: "Reconnected",
  comment: "Comment",
};

/** The translated strings of `#collab-strings`, English where a key is missing. */
export function readStrings() {
  const el = document.getElementById("collab-strings");
  if (!el) return { ...DEFAULT_STRINGS };
  try {
    return { ...DEFAULT_STRINGS, ...JSON.parse(el.textContent) };
  } catch {
    return { ...DEFAULT_STRINGS };
  }
}

/** The nonce of this page's Content-Security-Policy, for the <style> elements scripts add.
 * base.html puts it on a meta element; browsers hide it from getAttribute, not from `.nonce`. */
export function cspNonce() {
  return document.querySelector('meta[name="csp-nonce"]')?.nonce || "";
}

/** The CSRF token: from `<body hx-headers>` (what htmx sends), else the `csrftoken` cookie. */
export function csrfToken() {
  try {
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
  } catch {
    // fall back to the cookie
  }
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

/** A ws(s):// URL for a path relative to this page (an absolute ws:// URL is kept). */
export function socketUrl(path) {
  const url = new URL(path, window.location.href);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  return url.href;
}

/** `#rrggbb` at ~20% alpha, for selections of remote users. */
export function lightColor(color) {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}33`;
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}33`;
  return `color-mix(in srgb, ${color} 20%, transparent)`;
}

/** Standard base64 of bytes, and back. */
export function bytesToBase64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Call `fn` once, `wait` ms after the last of a burst of calls. */
export function debounce(fn, wait) {
  let timer = 0;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/** Whether a field of `root` (or `root` itself) was changed by the user and not yet saved. */
export function hasUnsavedInput(root) {
  const fields = [...root.querySelectorAll("input, textarea, select")];
  if (root.matches("input, textarea, select")) fields.push(root);
  return fields.some(fieldIsChanged);
}

function fieldIsChanged(field) {
  if (field.disabled) return false;
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.tagName === "SELECT") {
    const options = [...field.options];
    if (field.multiple) return options.some((o) => o.selected !== o.defaultSelected);
    // A single select with no `selected` option shows its first one: that is no change.
    const initial = options.findIndex((o) => o.defaultSelected);
    return field.selectedIndex !== (initial === -1 ? 0 : initial);
  }
  if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
  return field.value !== field.defaultValue;
}
