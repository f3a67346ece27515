// Who is on the page: round avatars in #presence (you first, one per person however many tabs
// they have open), and small ones in the header of the section each person is writing in.
// Deliberately not a live region: people coming and going must not interrupt a screen reader.

export function startPresence({ awareness, presenceEl, sections, selfId }) {
  const sectionTitles = new Map(sections.map((s) => [s.key, s.label]));
  const sectionSlots = new Map();
  for (const section of sections) {
    const slot = section.el.querySelector(".save-state");
    if (!slot) continue;
    const list = document.createElement("span");
    list.className = "presence presence-section";
    slot.after(list);
    sectionSlots.set(section.key, list);
  }

  let frame = 0;
  const render = () => {
    frame = 0;
    const people = peopleOnPage(awareness, selfId);
    if (presenceEl) {
      presenceEl.replaceChildren(avatarList(people, (p) => sectionTitles.get(p.section)));
    }
    for (const [key, slot] of sectionSlots) {
      const here = people.filter((p) => p.section === key && !p.self);
      slot.replaceChildren(...(here.length ? [avatarList(here, () => null)] : []));
    }
  };
  awareness.on("change", () => {
    if (!frame) frame = requestAnimationFrame(render);
  });
  render();
}

function peopleOnPage(awareness, selfId) {
  const byId = new Map();
  const localClient = awareness.clientID;
  for (const [client, state] of awareness.getStates()) {
    const user = state.user;
    if (!user || user.id == null) continue;
    const id = String(user.id);
    const self = id === selfId || client === localClient;
    const person = byId.get(id) || { id, name: user.name || "?", color: user.color || "#6b7589", section: null, self };
    // Prefer the section of this tab when it is our own, else any tab's section.
    if (client === localClient || !person.section) person.section = state.section || person.section;
    person.self = person.self || self;
    byId.set(id, person);
  }
  return [...byId.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

function avatarList(people, sectionOf) {
  const list = document.createElement("ul");
  list.className = "presence-list";
  for (const person of people) {
    const where = sectionOf(person);
    const label = where ? `${person.name} · ${where}` : person.name;
    const item = document.createElement("li");
    item.className = person.self ? "presence-avatar is-self" : "presence-avatar";
    item.style.setProperty("--avatar-color", person.color);
    item.title = label;
    item.dataset.userId = person.id;
    if (person.section) item.dataset.section = person.section;
    const initials = document.createElement("span");
    initials.setAttribute("aria-hidden", "true");
    initials.textContent = initialsOf(person.name);
    const name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = label;
    item.append(initials, name);
    list.append(item);
  }
  return list;
}

function initialsOf(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = Array.from(words[0])[0];
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] : "";
  return (first + last).toUpperCase();
}
