// The Hocuspocus reference server for bench/collab: @hocuspocus/server with no extensions,
// so documents live in memory only (like `npx y-websocket` without YPERSISTENCE).
// Usage: HOST=127.0.0.1 PORT=1234 node hocuspocus-server.mjs
import { Server } from '@hocuspocus/server'

const server = new Server({
  address: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT || 1234),
  quiet: true,
  stopOnSignals: true,
  extensions: []
})

await server.listen()
console.log(`hocuspocus listening on ${server.configuration.address}:${server.address.port}`)
