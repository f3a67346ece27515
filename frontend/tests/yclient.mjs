// A stock Yjs client (yjs + y-websocket's WebsocketProvider + ws), driven by JSON lines on
// stdin, answering JSON lines on stdout. The Python tests use it to edit alongside browsers.
//   node yclient.mjs <serverUrl> <room> <token>
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import readline from "node:readline";

const [serverUrl, room, token] = process.argv.slice(2);
const doc = new Y.Doc();
const denied = [];
const closes = [];
let serverState = new Map();

// Hansei answers every sync step 1 with step 2 and its own state vector; note the vector to
// know which of our edits the server has stored (the acknowledgement).
class TokenSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  }
}
// y-websocket's resync timer reads the global WebSocket (Node 20 has none).
globalThis.WebSocket = TokenSocket;
const provider = new WebsocketProvider(serverUrl, room, doc, {
  WebSocketPolyfill: TokenSocket,
  resyncInterval: 500,
  maxBackoffTime: 300,
  disableBc: true,
});
provider.on("connection-close", (event) => closes.push(event ? event.code : null));
const syncHandler = provider.messageHandlers[0];
provider.messageHandlers[0] = (encoder, decoder, prov, emitSynced, type) => {
  const peek = new Uint8Array(decoder.arr.buffer, decoder.arr.byteOffset + decoder.pos);
  if (peek[0] === 0) {
    try {
      const sv = readVarBytes(peek, 1);
      serverState = Y.decodeStateVector(sv);
    } catch (e) {}
  }
  return syncHandler(encoder, decoder, prov, emitSynced, type);
};
provider.messageHandlers[2] = (encoder, decoder) => {
  decoder.pos += 1; // permission denied = 0
  const len = readVarUint(decoder.arr, decoder);
  denied.push(new TextDecoder().decode(decoder.arr.slice(decoder.pos, decoder.pos + len)));
  decoder.pos += len;
};

function readVarUint(arr, cursor) {
  let value = 0, shift = 0;
  for (;;) {
    const byte = arr[cursor.pos++];
    value += (byte & 127) * 2 ** shift;
    shift += 7;
    if (byte < 128) return value;
  }
}
function readVarBytes(arr, pos) {
  const cursor = { pos };
  const len = readVarUint(arr, cursor);
  return arr.slice(cursor.pos, cursor.pos + len);
}
function acknowledged() {
  const local = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of local) {
    if ((serverState.get(client) || 0) < clock) return false;
  }
  return true;
}
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, timeout = 10000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return false;
}

const ops = {
  async synced({ timeout }) { return { ok: await until(() => provider.synced, timeout) }; },
  async text({ key }) { return { text: doc.getText(key).toString() }; },
  async insert({ key, index, text }) {
    const ytext = doc.getText(key);
    ytext.insert(index === -1 ? ytext.length : index, text);
    return { text: ytext.toString() };
  },
  async delete({ key, index, length }) {
    doc.getText(key).delete(index, length);
    return { text: doc.getText(key).toString() };
  },
  async type({ key, text, delay }) {
    // One transaction per character, like a person typing at the end.
    const ytext = doc.getText(key);
    for (const ch of text) {
      ytext.insert(ytext.length, ch);
      if (delay) await sleep(delay);
    }
    return { text: ytext.toString() };
  },
  async wait_text({ key, contains, equals, timeout }) {
    const ytext = doc.getText(key);
    const ok = await until(() => {
      const t = ytext.toString();
      return equals !== undefined ? t === equals : t.includes(contains);
    }, timeout);
    return { ok, text: ytext.toString() };
  },
  async wait_acked({ timeout }) { return { ok: await until(acknowledged, timeout) }; },
  async wait_denied({ timeout }) { return { ok: await until(() => denied.length > 0, timeout) }; },
  async acked() { return { ok: acknowledged() }; },
  async relpos({ key, index, assoc }) {
    const rel = Y.createRelativePositionFromTypeIndex(doc.getText(key), index, assoc ?? 0);
    return { b64: b64(Y.encodeRelativePosition(rel)) };
  },
  async abspos({ b64: data }) {
    const rel = Y.decodeRelativePosition(Buffer.from(data, "base64"));
    const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
    return { index: abs ? abs.index : null };
  },
  async awareness({ user }) {
    provider.awareness.setLocalStateField("user", user);
    return {};
  },
  async awareness_state({ state }) {
    // Any state at all, as a hostile client would send it.
    provider.awareness.setLocalState(state);
    return {};
  },
  async cursor({ key, anchor, head }) {
    const ytext = doc.getText(key);
    provider.awareness.setLocalStateField("cursor", {
      anchor: Y.createRelativePositionFromTypeIndex(ytext, anchor),
      head: Y.createRelativePositionFromTypeIndex(ytext, head),
    });
    return {};
  },
  async wait_peer({ field, timeout }) {
    const ok = await until(
      () => [...provider.awareness.getStates().entries()].some(
        ([id, state]) => id !== doc.clientID && state && state[field] != null),
      timeout,
    );
    return { ok };
  },
  async peers() {
    const states = [...provider.awareness.getStates().entries()]
      .filter(([id]) => id !== doc.clientID)
      .map(([, state]) => state);
    return { states };
  },
  async status() {
    return { connected: provider.wsconnected, synced: provider.synced, denied, closes };
  },
  async disconnect() { provider.disconnect(); return {}; },
  async connect() { provider.connect(); return {}; },
  async quit() { provider.destroy(); setTimeout(() => process.exit(0), 50); return {}; },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  let answer;
  try {
    answer = await ops[command.op](command);
  } catch (error) {
    answer = { error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
