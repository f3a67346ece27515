// Runs the bench/collab scenarios against ONE server and prints one JSON object on stdout.
// bench/collab/run starts the servers and calls this once per server.
//
//   node bench.mjs --kind hansei|y-websocket|hocuspocus --url ws://... [--token T]
//                  [--rooms rooms.json] [--pid PID [--pid-match SUBSTRING]] [--quick]
//                  [--scenarios memory,converge,latency,many]
//
// --rooms: a JSON list of room names the server accepts (Hansei: "postmortem-<id>"); reference
// servers accept any name, so rooms are made up when it is missing.
// --pid: the server process for the memory scenario; every process under it is summed, or only
// those whose command line contains --pid-match (to skip the npx wrapper of y-websocket).
import { readFileSync, readdirSync } from 'node:fs'
import { parseArgs } from 'node:util'

import {
  Tagger, connectAll, convergence, destroyAll, latencyStats, now, sleep, tick
} from './clients.mjs'

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string' },
    url: { type: 'string' },
    token: { type: 'string' },
    rooms: { type: 'string' },
    pid: { type: 'string' },
    'pid-match': { type: 'string' },
    quick: { type: 'boolean', default: false },
    scenarios: { type: 'string', default: 'memory,converge,latency,many' }
  }
})

const target = { kind: args.kind, url: args.url, token: args.token }
const quick = args.quick
const log = (...a) => console.error(`[${args.kind}]`, ...a)

// --- rooms ---------------------------------------------------------------------------------

const givenRooms = args.rooms ? JSON.parse(readFileSync(args.rooms, 'utf8')) : null
let roomCount = 0
const runTag = Date.now().toString(36)
function takeRooms (n) {
  if (givenRooms) {
    if (roomCount + n > givenRooms.length) throw new Error(`need more than ${givenRooms.length} rooms`)
    const rooms = givenRooms.slice(roomCount, roomCount + n)
    roomCount += n
    return rooms
  }
  return Array.from({ length: n }, () => `bench-${runTag}-${roomCount++}`)
}

// --- server memory -------------------------------------------------------------------------

function procInfo (pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return { pid: Number(pid), ppid, cmdline, rssKiB: rss ? Number(rss[1]) : 0 }
  } catch {
    return null
  }
}

/** VmRSS (KiB) summed over the server's processes. */
function serverRssKiB () {
  const root = Number(args.pid)
  const all = readdirSync('/proc').filter(d => /^\d+$/.test(d)).map(procInfo).filter(Boolean)
  const tree = new Set([root])
  let grew = true
  while (grew) {
    grew = false
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true }
    }
  }
  const mine = all.filter(p => tree.has(p.pid) && (!args['pid-match'] || p.cmdline.includes(args['pid-match'])))
  if (mine.length === 0) throw new Error(`no server process under pid ${root}`)
  return { kib: mine.reduce((s, p) => s + p.rssKiB, 0), processes: mine.length }
}

// --- scenarios -----------------------------------------------------------------------------

const results = {}
function record (key, value, extra = {}) {
  results[key] = { value, ...extra }
  log(key, typeof value === 'number' ? value.toFixed(2) : value, JSON.stringify(extra))
}

const randomChar = () => String.fromCharCode(97 + Math.floor(Math.random() * 26))

/** (4) RSS with no connection vs IDLE idle clients, all synced to one shared document. */
async function memory () {
  const idle = 200
  const [room] = takeRooms(1)
  // Warm up (lazy imports, first document load), then measure without connections.
  const warm = await connectAll(target, [room, room])
  warm[0].text.insert(0, 'x')
  await sleep(300)
  await destroyAll(warm)
  await sleep(1500)
  const before = serverRssKiB()
  const clients = await connectAll(target, Array(idle).fill(room))
  await sleep(2500) // let the awareness announcements settle
  const after = serverRssKiB()
  await destroyAll(clients)
  record('mem_idle_mib', before.kib / 1024, { processes: before.processes })
  record('mem_per_conn_kib', (after.kib - before.kib) / idle, { clients: idle, doc: 'shared' })
}

/** (1) 4 clients × 500 single-character inserts at random positions, as fast as they send. */
async function convergeOnce (n, edits) {
  const [room] = takeRooms(1)
  const clients = await connectAll(target, Array(n).fill(room))
  await sleep(300)
  const initial = clients[0].text.toString()
  if (!clients.every(c => c.text.toString() === initial)) throw new Error('clients disagree after sync')
  const expected = initial.length + n * edits
  const conv = convergence([clients], () => expected, 120000)
  const start = now()
  for (let i = 0; i < edits; i++) {
    for (const c of clients) c.text.insert(Math.floor(Math.random() * (c.text.length + 1)), randomChar())
    await tick() // let incoming messages in between rounds
  }
  const sentAll = now()
  const end = await conv.promise
  const final = clients[0].text.toString()
  const equal = clients.every(c => c.text.toString() === final) && final.length === expected
  await destroyAll(clients)
  if (!equal) throw new Error('documents differ after convergence')
  return { ms: end - start, sentMs: sentAll - start, length: final.length }
}

async function converge () {
  const n = 4
  const edits = quick ? 200 : 500
  const runs = []
  for (let r = 0; r < (quick ? 1 : 3); r++) runs.push(await convergeOnce(n, edits))
  const sorted = runs.map(r => r.ms).sort((a, b) => a - b)
  record('converge_4x500_ms', sorted[Math.floor(sorted.length / 2)], {
    edits: n * edits,
    runs: runs.map(r => Math.round(r.ms)),
    sent_ms: runs.map(r => Math.round(r.sentMs)),
    equal: true
  })
}

/** (2) one writer at a time; every other client records when it sees the edit. */
async function latency (n, edits) {
  const [room] = takeRooms(1)
  const clients = await connectAll(target, Array(n).fill(room))
  const tagger = new Tagger()
  for (const c of clients) tagger.watch(c)
  await sleep(n >= 50 ? 1500 : 500) // awareness of every newcomer reaches everyone first
  tagger.recording = false
  const warmup = 5
  let missed = 0
  for (let k = 0; k < warmup + edits; k++) {
    if (k === warmup) tagger.recording = true
    const { arrived } = tagger.send(clients[k % n], n - 1)
    try {
      await Promise.race([arrived, sleep(5000).then(() => { throw new Error('late') })])
    } catch {
      missed++
    }
  }
  const stats = latencyStats(tagger.samples)
  record(`latency_${n}_p50_ms`, stats.p50, { edits, samples: stats.n, missed })
  record(`latency_${n}_p99_ms`, stats.p99, { edits, samples: stats.n, max: stats.max })
  await destroyAll(clients)
}

/** (3) 100 documents × 3 clients; every client types tagged edits at ~5 per second. */
async function many () {
  const docs = 100
  const perDoc = 3
  const edits = quick ? 5 : 20
  const periodMs = 200
  const rooms = takeRooms(docs)
  const clients = await connectAll(target, rooms.flatMap(r => Array(perDoc).fill(r)))
  const groups = rooms.map((_r, g) => clients.slice(g * perDoc, (g + 1) * perDoc))
  const tagger = new Tagger()
  for (const c of clients) tagger.watch(c)
  await sleep(1000)
  const expected = groups.map(g => g[0].text.length)
  const sent = groups.map(() => 0)
  for (const [g, group] of groups.entries()) {
    if (!group.every(c => c.text.toString() === group[0].text.toString())) throw new Error(`room ${rooms[g]} disagrees after sync`)
  }
  // A room is only checked once all its edits are out (-1: never matches a length).
  const conv = convergence(groups, g => sent[g] === perDoc * edits ? expected[g] : -1, 120000)
  const start = now()
  let lastSent = start
  await Promise.all(clients.map(async (client, i) => {
    const g = Math.floor(i / perDoc)
    await sleep(Math.random() * periodMs)
    for (let k = 0; k < edits; k++) {
      const { tag } = tagger.send(client, perDoc - 1)
      expected[g] += tag.length
      sent[g]++
      lastSent = now()
      await sleep(periodMs * (0.5 + Math.random()))
    }
  }))
  conv.check()
  const end = await conv.promise
  const stats = latencyStats(tagger.samples)
  const info = { docs, clients: docs * perDoc, edits: docs * perDoc * edits, rate_per_client: 1000 / periodMs }
  record('many_converge_s', (end - start) / 1000, { ...info, after_last_edit_ms: end - lastSent })
  record('many_drain_ms', Math.max(0, end - lastSent), info)
  record('many_p50_ms', stats.p50, { samples: stats.n })
  record('many_p99_ms', stats.p99, { samples: stats.n, max: stats.max })
  await destroyAll(clients)
}

const scenarios = {
  memory,
  converge,
  latency: async () => {
    await latency(2, quick ? 50 : 500)
    await latency(10, quick ? 20 : 200)
    await latency(50, quick ? 10 : 100)
  },
  many
}

const errors = {}
for (const name of args.scenarios.split(',')) {
  if (name === 'memory' && !args.pid) continue
  const t0 = now()
  try {
    await scenarios[name]()
  } catch (err) {
    errors[name] = String(err && err.message ? err.message : err)
    log(`${name} failed:`, errors[name])
  }
  log(`${name} took ${((now() - t0) / 1000).toFixed(1)} s`)
  await sleep(500)
}
process.stdout.write(JSON.stringify({ kind: args.kind, results, errors }) + '\n')
process.exit(0)
