// Small progressive enhancements; every page works without them. The Content-Security-Policy
// allows no inline script or event handler attribute: behaviour lives here, keyed on data-*.
import "./mentions.js"; // @mention suggestions in comment boxes
import "./inbox.js"; // the live unread count in the top bar

// Tell the server the browser's time zone so times show in the viewer's zone.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone && !document.cookie.split("; ").some((c) => c === `hansei_tz=${encodeURIComponent(zone)}`)) {
  document.cookie = `hansei_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
}

// Tabs between "Write" and "Preview" on Markdown editors.
document.addEventListener("click", (event) => {
  const tab = event.target.closest("[data-tab-target]");
  if (!tab) return;
  const group = tab.closest("[data-tabs]");
  for (const other of group.querySelectorAll("[data-tab-target]")) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    group.querySelector(other.dataset.tabTarget).hidden = !selected;
  }
});

// "Print" in a document's export menu (the print stylesheet leaves the document only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// "Cancel" inside an in-page confirmation (a <details>): fold it away.
document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-close-details]");
  if (cancel) cancel.closest("details").open = false;
});

// Confirm destructive or irreversible actions.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Fragments answered with 400 carry the form and its errors: show them instead of dropping them.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400 || event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Selects that apply at once (the footer's language): submit their form on change.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-submit-on-change]");
  if (select?.form) select.form.requestSubmit();
});

// The new comment form's Cancel forgets the selection the editor put into it.
document.addEventListener("click", (event) => {
  const form = event.target.closest("[data-comment-cancel]")?.form;
  if (!form) return;
  for (const name of ["section_key", "anchor_start", "anchor_end", "quote"]) form.elements[name].value = "";
  const quote = form.querySelector("[data-quote-preview]");
  if (quote) {
    quote.textContent = "";
    quote.hidden = true;
  }
});
