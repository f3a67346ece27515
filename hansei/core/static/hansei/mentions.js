// Suggestions while someone types "@name" in a textarea that says where to find people:
//   data-mention-source  a URL answering ?q=... with JSON [{username, name}] (the API's
//                        mentionable people: only those the text would tell)
//   data-mention-fields  names of the form's fields sent along, when filled (a new comment's
//                        section_key: a comment on the text reaches fewer people)
//   data-mention-label   the list's accessible name
// "@" and a letter or more open a list under the textarea: arrows move, Enter or Tab picks,
// Escape closes, a click picks. Picking writes "@username " in place of what was typed.
// Focus stays in the textarea, which points at the active option (aria-activedescendant) and
// says whether the list is open (aria-expanded): the ARIA pattern of a text box with a listbox
// popup. A textarea keeps its own role (a multi-line text box), so it is not a "combobox".

const NAME = "[\\p{L}\\p{N}\\p{M}_.+-]"; // what the server reads as a username after "@"
// "@" not preceded by a name character (so "alice@example.com" suggests nobody), as the server.
const TYPED = new RegExp(`(?:^|[^\\p{L}\\p{N}\\p{M}_.@+-])@(${NAME}{1,100})$`, "u");
const REST_OF_NAME = new RegExp(`^${NAME}*`, "u");
const PAUSE_MS = 120; // ask the server once typing pauses, not at every key
const SELECTOR = "textarea[data-mention-source]";

const states = new WeakMap(); // textarea -> its suggestion state
let lists = 0;

function stateOf(textarea) {
  let state = states.get(textarea);
  if (state) return state;
  const list = document.createElement("ul");
  list.id = `${textarea.id || `mention-field-${++lists}`}-mentions`;
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", textarea.dataset.mentionLabel || "");
  list.hidden = true;
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) pick(textarea, Number(option.dataset.index));
  });
  list.addEventListener("mousemove", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) activate(textarea, Number(option.dataset.index));
  });
  textarea.after(list);
  textarea.parentElement.classList.add("mention-field");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-haspopup", "listbox");
  textarea.setAttribute("aria-controls", list.id);
  textarea.setAttribute("aria-expanded", "false");
  state = { list, people: [], active: -1, at: -1, dismissedAt: -1, timer: 0, request: null };
  states.set(textarea, state);
  return state;
}

/** The mention being typed at the caret: where its "@" is and what follows it, or null. */
function typedMention(textarea) {
  if (textarea.selectionStart !== textarea.selectionEnd) return null;
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = TYPED.exec(before);
  if (!match) return null;
  return { at: before.length - match[1].length - 1, typed: match[1] };
}

function update(textarea) {
  const state = stateOf(textarea);
  const mention = typedMention(textarea);
  clearTimeout(state.timer);
  if (!mention) {
    state.dismissedAt = -1;
    close(textarea);
    return;
  }
  if (mention.at === state.dismissedAt) return; // Escape closed the list for this mention
  state.timer = setTimeout(() => ask(textarea, mention), PAUSE_MS);
}

async function ask(textarea, mention) {
  const state = stateOf(textarea);
  const url = new URL(textarea.dataset.mentionSource, location.href);
  url.searchParams.set("q", mention.typed);
  for (const name of (textarea.dataset.mentionFields || "").split(" ").filter(Boolean)) {
    const field = textarea.form?.elements.namedItem(name);
    if (field?.value) url.searchParams.set(name, field.value);
  }
  state.request?.abort();
  const request = (state.request = new AbortController());
  let people;
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: request.signal,
    });
    people = response.ok ? await response.json() : [];
  } catch {
    return; // aborted by a newer question, or offline: no list, typing goes on
  }
  const now = typedMention(textarea);
  const current = now && now.at === mention.at && now.typed === mention.typed;
  if (request !== state.request || !current || document.activeElement !== textarea) return;
  show(textarea, mention.at, Array.isArray(people) ? people : []);
}

function show(textarea, at, people) {
  const state = stateOf(textarea);
  if (people.length === 0) {
    close(textarea);
    return;
  }
  state.at = at;
  state.people = people;
  state.list.replaceChildren(...people.map((person, index) => option(state.list.id, person, index)));
  state.list.style.top = `${textarea.offsetTop + textarea.offsetHeight + 4}px`;
  state.list.hidden = false;
  textarea.setAttribute("aria-expanded", "true");
  activate(textarea, 0);
  state.list.scrollIntoView({ block: "nearest" });
}

function option(listId, person, index) {
  const item = document.createElement("li");
  item.id = `${listId}-${index}`;
  item.className = "mention-option";
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.dataset.index = String(index);
  const name = document.createElement("span");
  name.className = "mention-name";
  name.textContent = person.name;
  const username = document.createElement("span");
  username.className = "mention-username";
  username.textContent = `@${person.username}`;
  if (person.name && person.name !== person.username) item.append(name);
  item.append(username);
  return item;
}

function activate(textarea, index) {
  const state = stateOf(textarea);
  const options = state.list.querySelectorAll("[role=option]");
  if (options.length === 0) return;
  state.active = (index + options.length) % options.length;
  options.forEach((item, i) => {
    const active = i === state.active;
    item.classList.toggle("is-active", active);
    item.setAttribute("aria-selected", String(active));
  });
  textarea.setAttribute("aria-activedescendant", options[state.active].id);
  options[state.active].scrollIntoView({ block: "nearest" });
}

function close(textarea) {
  const state = states.get(textarea);
  if (!state) return;
  clearTimeout(state.timer);
  state.request?.abort();
  state.request = null;
  state.people = [];
  state.active = -1;
  state.list.hidden = true;
  state.list.replaceChildren();
  textarea.setAttribute("aria-expanded", "false");
  textarea.removeAttribute("aria-activedescendant");
}

/** Write "@username " in place of the typed "@na" (and the rest of that word). */
function pick(textarea, index) {
  const state = stateOf(textarea);
  const person = state.people[index];
  if (!person) return;
  const caret = textarea.selectionStart;
  let end = caret + REST_OF_NAME.exec(textarea.value.slice(caret))[0].length;
  if (textarea.value[end] === " ") end += 1;
  textarea.setRangeText(`@${person.username} `, state.at, end, "end");
  close(textarea);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

document.addEventListener("input", (event) => {
  if (event.target.matches?.(SELECTOR) && !event.isComposing) update(event.target);
});

// Japanese and other input methods: look once a word is composed, not at every keystroke.
document.addEventListener("compositionend", (event) => {
  if (event.target.matches?.(SELECTOR)) update(event.target);
});

// The caret moved without typing: the list follows (or closes).
document.addEventListener("click", (event) => {
  if (event.target.matches?.(SELECTOR) && states.has(event.target)) update(event.target);
});

document.addEventListener("focusout", (event) => {
  if (event.target.matches?.(SELECTOR)) close(event.target);
});

document.addEventListener("keydown", (event) => {
  const textarea = event.target;
  const state = states.get(textarea);
  // While an input method composes, Enter and the arrows are its own.
  if (!state || state.list.hidden || event.isComposing || event.keyCode === 229) return;
  const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
  if (event.key === "ArrowDown" && plain) activate(textarea, state.active + 1);
  else if (event.key === "ArrowUp" && plain) activate(textarea, state.active - 1);
  else if ((event.key === "Enter" || event.key === "Tab") && plain && !event.shiftKey) {
    pick(textarea, state.active);
  } else if (event.key === "Escape") {
    state.dismissedAt = state.at;
    close(textarea);
  } else {
    if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) {
      setTimeout(() => update(textarea)); // once the caret has moved
    }
    return;
  }
  event.preventDefault();
});
