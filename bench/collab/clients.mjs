// One client logic for every server: a Y.Doc, edits into doc.getText("summary"), remote
// changes observed on that Y.Text. Only the provider differs:
//  * Hansei and @y/websocket-server speak the standard y-websocket protocol (sync + awareness),
//    so both get the stock y-websocket WebsocketProvider;
//  * Hocuspocus prefixes every message with the document name (and adds an auth step), so the
//    stock y-websocket client cannot talk to it: it gets @hocuspocus/provider.
import { performance } from 'node:perf_hooks'

import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

export const TEXT = 'summary'

// Every y-websocket provider registers a process 'exit' listener; hundreds are expected here.
process.setMaxListeners(0)

export const now = () => performance.now()
export const tick = () => new Promise(resolve => setImmediate(resolve))
export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/**
 * `ws` with the Origin header a browser would send (http://host:port of the socket URL), for
 * servers that check it; otherwise the plain `ws` client.
 */
export class BrowserLikeWebSocket extends WebSocket {
  constructor (url, protocols) {
    const u = new URL(url)
    super(url, protocols, { origin: `${u.protocol === 'wss:' ? 'https' : 'http'}://${u.host}` })
  }
}

/**
 * @typedef {{kind: 'hansei'|'y-websocket'|'hocuspocus', url: string, token?: string}} Target
 * @typedef {{doc: Y.Doc, text: Y.Text, provider: any, synced: Promise<void>, destroy: () => void}} Client
 */

/** @returns {Client} */
export function connect (target, room) {
  const doc = new Y.Doc()
  const text = doc.getText(TEXT)
  let provider
  let synced
  if (target.kind === 'hocuspocus') {
    provider = new HocuspocusProvider({
      url: target.url,
      name: room,
      document: doc,
      token: target.token || null,
      WebSocketPolyfill: BrowserLikeWebSocket
    })
    synced = new Promise((resolve, reject) => {
      if (provider.isSynced) resolve()
      provider.on('synced', () => resolve())
      provider.on('authenticationFailed', ({ reason }) => reject(new Error(`${room}: authentication failed: ${reason}`)))
      provider.on('close', ({ event }) => reject(new Error(`${room}: closed before sync (${event?.code} ${event?.reason || ''})`)))
    })
  } else {
    // Hansei: ws://host:port/ws/collab/<room>?token=...; @y/websocket-server: ws://host:port/<room>
    provider = new WebsocketProvider(target.url, room, doc, {
      WebSocketPolyfill: BrowserLikeWebSocket,
      params: target.token ? { token: target.token } : {},
      // All clients live in one Node process, which has a global BroadcastChannel: without
      // this, same-room providers would exchange updates directly instead of via the server.
      disableBc: true
    })
    synced = new Promise((resolve, reject) => {
      if (provider.synced) resolve()
      provider.on('sync', isSynced => { if (isSynced) resolve() })
      // A refused socket (bad token, unknown room...) is retried forever by the provider: fail
      // the bench instead. A rejection after sync is ignored.
      provider.on('connection-close', event => reject(new Error(`${room}: closed before sync (${event?.code} ${event?.reason || ''})`)))
    })
  }
  return {
    doc,
    text,
    provider,
    synced,
    destroy () {
      provider.destroy()
      doc.destroy()
    }
  }
}

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/** Connect `rooms.length` clients (room per client), at most `parallel` handshakes at once. */
export async function connectAll (target, rooms, { parallel = 50, timeoutMs = 60000 } = {}) {
  const clients = new Array(rooms.length)
  let next = 0
  async function lane () {
    while (next < rooms.length) {
      const i = next++
      const client = connect(target, rooms[i])
      clients[i] = client
      await withTimeout(client.synced, timeoutMs, `sync of a client in ${rooms[i]}`)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, rooms.length) }, lane))
  } catch (err) {
    next = rooms.length // stop the other lanes
    for (const c of clients) if (c) c.destroy()
    throw err
  }
  return clients
}

export async function destroyAll (clients) {
  for (const c of clients) if (c) c.destroy()
  await sleep(300)
}

// --- tagged edits and their arrival -----------------------------------------------------

const TAG = /<#(\d+)>/g

/**
 * Tracks tagged edits: `send(client)` inserts "<#id>" at a random position and remembers when;
 * every client's Y.Text observer reports remote inserts carrying a tag, and the delay is
 * recorded as one edit-to-peer latency sample.
 */
export class Tagger {
  constructor () {
    this.nextId = 1
    this.sentAt = new Map() // id -> ms
    this.pending = new Map() // id -> {left, resolve}
    this.samples = []
    this.recording = true
  }

  watch (client) {
    client.text.observe((event, transaction) => {
      if (transaction.local) return
      const at = now()
      for (const op of event.delta) {
        if (typeof op.insert !== 'string') continue
        for (const m of op.insert.matchAll(TAG)) this._arrived(Number(m[1]), at)
      }
    })
  }

  _arrived (id, at) {
    const sent = this.sentAt.get(id)
    if (sent === undefined) return
    if (this.recording) this.samples.push(at - sent)
    const p = this.pending.get(id)
    if (p && --p.left === 0) {
      this.pending.delete(id)
      p.resolve()
    }
  }

  /** Insert a tagged edit; the promise resolves once `peers` other clients have seen it. */
  send (client, peers) {
    const id = this.nextId++
    const tag = `<#${id}>`
    const arrived = peers > 0 ? new Promise(resolve => this.pending.set(id, { left: peers, resolve })) : Promise.resolve()
    // Never inside another tag: a server that merges updates would deliver both in one
    // change, and the outer tag, split, would no longer be recognised.
    const s = client.text.toString()
    let at = Math.floor(Math.random() * (s.length + 1))
    const open = s.lastIndexOf('<#', at - 1)
    if (open >= 0 && open < at) {
      const close = s.indexOf('>', open)
      if (close >= at) at = close + 1
    }
    this.sentAt.set(id, now())
    client.text.insert(at, tag)
    return { id, tag, arrived }
  }
}

export function percentile (sorted, p) {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export function latencyStats (samples) {
  const sorted = Float64Array.from(samples).sort()
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] }
}

/**
 * Resolves (with the time) once every client of every group has the same text, of the expected
 * length. `expected(g)` gives group g's expected length; checked on each document update.
 */
export function convergence (groups, expected, timeoutMs) {
  let left = groups.length
  const done = new Array(groups.length).fill(false)
  let resolve, reject
  const promise = new Promise((res, rej) => { resolve = res; reject = rej })
  const timer = setTimeout(() => {
    reject(new Error(`${left} of ${groups.length} documents not converged after ${timeoutMs} ms`))
  }, timeoutMs)
  const check = g => {
    if (done[g]) return
    const want = expected(g)
    const clients = groups[g]
    for (const c of clients) if (c.text.length !== want) return
    const first = clients[0].text.toString()
    for (const c of clients.slice(1)) if (c.text.toString() !== first) return
    done[g] = true
    if (--left === 0) {
      clearTimeout(timer)
      resolve(now())
    }
  }
  groups.forEach((clients, g) => {
    for (const c of clients) c.doc.on('update', () => check(g))
  })
  return { promise, check: () => groups.forEach((_c, g) => check(g)) }
}
