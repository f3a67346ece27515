// "Saved / Saving / Offline" for the live document, from what the server says it holds.
//
// The Hansei server answers every sync-step-1 with a sync-step-2 (which carries its whole
// delete set) and its own sync-step-1 (its state vector). We keep the local updates the server
// has not acknowledged yet and drop each one as soon as the server's snapshot (state vector +
// delete set) contains it: a deletion does not move a state vector, so both are needed.
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { debounce } from "./dom.js";

const MESSAGE_SYNC = 0;
const RESYNC_AFTER_EDIT_MS = 500;
const RECONNECTED_NOTICE_MS = 4000;
const MAX_PENDING_UPDATES = 50;

export class SaveState {
  constructor({ doc, provider, statusEl, strings, canWrite }) {
    this.doc = doc;
    this.provider = provider;
    this.statusEl = statusEl;
    this.strings = strings;
    this.canWrite = canWrite;
    this.pending = [];
    this.serverVector = null;
    this.serverDeletes = Y.createDeleteSet();
    this.everSynced = false;
    this.wasOffline = false;
    this.noticeUntil = 0;
    this.state = "";
    this.announcer = quietStatus(statusEl);
    this.requestResyncSoon = debounce(() => this.sendSyncStep1(), RESYNC_AFTER_EDIT_MS);
    this.listen();
    this.render();
  }

  listen() {
    const original = this.provider.messageHandlers[MESSAGE_SYNC];
    this.provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, provider, fromSocket, type) => {
      const peeked = fromSocket ? peekSyncMessage(decoder) : null;
      original(encoder, decoder, provider, fromSocket, type);
      if (peeked) this.learnFromServer(peeked);
    };
    this.doc.on("update", (update, origin) => {
      if (origin === this.provider) return; // came from the server or another tab
      this.pending.push(update);
      if (this.pending.length > MAX_PENDING_UPDATES) this.pending = [Y.mergeUpdates(this.pending)];
      this.requestResyncSoon();
      this.render();
    });
    this.provider.on("status", () => this.render());
    this.provider.on("connection-close", () => {
      this.wasOffline = true;
      this.render();
    });
    this.provider.on("sync", (synced) => {
      if (!synced) return;
      if (this.everSynced && this.wasOffline) this.noticeUntil = Date.now() + RECONNECTED_NOTICE_MS;
      this.everSynced = true;
      this.wasOffline = false;
      this.render();
      setTimeout(() => this.render(), RECONNECTED_NOTICE_MS + 50);
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.stopped || !this.hasUnsavedEdits()) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  learnFromServer({ kind, payload }) {
    if (kind === syncProtocol.messageYjsSyncStep1) {
      this.serverVector = Y.decodeStateVector(payload);
    } else if (kind === syncProtocol.messageYjsSyncStep2) {
      this.serverDeletes = Y.mergeDeleteSets([Y.decodeUpdate(payload).ds]);
    } else {
      return;
    }
    this.dropAcknowledged();
    this.render();
  }

  dropAcknowledged() {
    if (!this.serverVector) return;
    const snapshot = Y.createSnapshot(this.serverDeletes, this.serverVector);
    this.pending = this.pending.filter((update) => !Y.snapshotContainsUpdate(snapshot, update));
  }

  hasUnsavedEdits() {
    return this.pending.length > 0;
  }

  sendSyncStep1() {
    const ws = this.provider.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.provider.wsconnected) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    ws.send(encoding.toUint8Array(encoder));
  }

  setCanWrite(canWrite) {
    this.canWrite = canWrite;
    this.render();
  }

  currentState() {
    if (!this.provider.wsconnected) return this.everSynced || this.wasOffline ? "offline" : "connecting";
    if (!this.provider.synced) return this.everSynced ? "offline" : "connecting";
    if (this.hasUnsavedEdits()) return "saving";
    return this.canWrite ? "saved" : "readonly";
  }

  /** Live editing could not start: say so, and stop following the provider. */
  stop(text) {
    this.stopped = true;
    if (!this.statusEl) return;
    this.statusEl.dataset.state = "unavailable";
    this.statusEl.textContent = text;
    this.announcer.textContent = text;
  }

  render() {
    if (this.stopped) return;
    const state = this.currentState();
    const previous = this.state;
    this.state = state;
    if (!this.statusEl) return;
    const notice = state === "saved" && Date.now() < this.noticeUntil;
    const text = notice ? this.strings.reconnected : this.strings[state];
    this.statusEl.dataset.state = state;
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    // Announce what changes what people can do, not every "Saving…" while they type.
    const worthSaying = state === "offline" || state === "readonly" || notice;
    if (previous && previous !== "connecting" && worthSaying && this.announcer.textContent !== text) {
      this.announcer.textContent = text;
    }
  }
}

/**
 * `#collab-status` flips between "Saving…" and "Saved" on every keystroke: as a live region it
 * would talk over the person typing. It is silenced and a hidden region next to it says only
 * what matters (offline, back online, read only).
 */
function quietStatus(statusEl) {
  const announcer = document.createElement("span");
  announcer.className = "visually-hidden";
  announcer.setAttribute("role", "status");
  if (statusEl) {
    statusEl.setAttribute("aria-live", "off");
    statusEl.after(announcer);
  }
  return announcer;
}

/** The kind and payload of an incoming sync message, read without consuming `decoder`. */
function peekSyncMessage(decoder) {
  const copy = decoding.clone(decoder);
  const kind = decoding.readVarUint(copy);
  return { kind, payload: decoding.readVarUint8Array(copy) };
}

