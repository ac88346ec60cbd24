// A js-libp2p node (TCP, Noise, yamux, identify, ping) plus the echo and perf protocols, and the
// client actions the interop tests and the benchmark drive against a remote node.
import './polyfill.mjs'
import { createHash, randomBytes } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { fstatSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify, identifyPush } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

export const ECHO_PROTOCOL = '/meshchat/echo/1.0.0'
export const PERF_PROTOCOL = '/perf/1.0.0'
export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
export const IDENTIFY_PROTOCOL = '/ipfs/id/1.0.0'
export const IDENTIFY_PUSH_PROTOCOL = '/ipfs/id/push/1.0.0'
export const DEFAULT_AGENT = 'meshchat-interop-js/1.0.0'

// Exit codes of js-peer.mjs and perf.mjs.
export const EXIT = Object.freeze({
  OK: 0,
  FAILED: 1, // dial, negotiation or stream error
  USAGE: 2,
  MISMATCH: 3, // echoed or transferred data differs from what was sent
  PEER_ID_MISMATCH: 4, // the remote proved a different PeerId than the /p2p/ in the address
  TIMEOUT: 5
})

// An error that carries the exit code the CLI should use.
export class PeerError extends Error {
  constructor (message, exitCode = EXIT.FAILED) {
    super(message)
    this.exitCode = exitCode
  }
}

// Larger than the largest yamux receive window (16 MiB), so a paused stream never resets itself
// for holding what the remote was allowed to send.
const PAUSED_READ_LIMIT = 32 * 1024 * 1024
const STREAM_LIMIT = 1024
const P2P_CODE = 421
// The most a perf server sends on one stream, so that a bad request cannot keep it busy for hours.
const PERF_MAX_DOWNLOAD = 64n * 1024n * 1024n * 1024n
const CHUNK = 64 * 1024

export async function loadOrCreateKey (path) {
  try {
    return privateKeyFromProtobuf(new Uint8Array(await readFile(path)))
  } catch (err) {
    if (err.code !== 'ENOENT') throw err
  }
  const key = await generateKeyPair('Ed25519')
  await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600 })
  return key
}

// Creates and starts a node. `listen` is a list of multiaddr strings (none for a pure client).
export async function createPeer ({ privateKey, listen = [], agent = DEFAULT_AGENT, identifyOnConnect = true } = {}) {
  const node = await createLibp2p({
    privateKey: privateKey ?? await generateKeyPair('Ed25519'),
    nodeInfo: { userAgent: agent },
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 256 },
    services: {
      identify: identify({ runOnConnectionOpen: identifyOnConnect, timeout: 10_000 }),
      identifyPush: identifyPush(),
      ping: ping({ timeout: 10_000 })
    }
  })
  const limits = { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT }
  await node.handle(ECHO_PROTOCOL, (stream) => { serveEcho(stream).catch(() => {}) }, limits)
  await node.handle(PERF_PROTOCOL, (stream) => { servePerf(stream).catch(() => {}) }, limits)
  return node
}

// Addresses the node listens on, each ending in /p2p/<PeerId>.
export function listenAddrs (node) {
  const id = node.peerId.toString()
  return node.getMultiaddrs().map((ma) => {
    const s = ma.toString()
    return s.endsWith(`/p2p/${id}`) ? s : `${s}/p2p/${id}`
  })
}

// The PeerId named by the last /p2p/ component of a multiaddr, or throws.
export function expectedPeerId (ma) {
  const p2p = multiaddr(ma).getComponents().filter((c) => c.name === 'p2p')
  if (p2p.length === 0 || p2p[p2p.length - 1].value == null) {
    throw new PeerError(`address has no /p2p/ component: ${ma}`, EXIT.USAGE)
  }
  return peerIdFromString(p2p[p2p.length - 1].value)
}

// Dials `ma` and checks that the remote proved the PeerId written in it. The dial itself goes to
// the address without /p2p/ so that a different PeerId is reported as such rather than as one of
// the many ways a handshake can fail.
export async function dialVerified (node, ma, { signal } = {}) {
  const expected = expectedPeerId(ma)
  const target = multiaddr(ma).decapsulateCode(P2P_CODE)
  let conn
  try {
    conn = await node.dial(target, { signal })
  } catch (err) {
    throw new PeerError(`dial ${ma} failed: ${err.message}`)
  }
  if (!conn.remotePeer.equals(expected)) {
    await conn.close().catch(() => {})
    throw new PeerError(`peer id mismatch: expected ${expected}, remote is ${conn.remotePeer}`, EXIT.PEER_ID_MISMATCH)
  }
  return conn
}

// Writes `data` honouring back-pressure.
export async function sendChunk (stream, data, signal) {
  if (!stream.send(data)) {
    await stream.onDrain({ signal })
  }
}

// Delivers every incoming chunk to `onChunk` (a Uint8ArrayList or Uint8Array) until the remote
// closes its write side. While a promise returned by `onChunk` is pending the stream is paused,
// which stops yamux window updates and so slows the sender down.
export function consume (stream, onChunk) {
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err) => {
      if (done) return
      done = true
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
      if (err != null) reject(err)
      else resolve()
    }
    const onMessage = (evt) => {
      let result
      try {
        result = onChunk(evt.data)
      } catch (err) {
        finish(err)
        return
      }
      if (result != null && typeof result.then === 'function') {
        stream.pause()
        result.then(() => {
          if (!done && stream.readStatus === 'paused') stream.resume()
        }, finish)
      }
    }
    const onEnd = () => finish()
    const onClose = (evt) => {
      if (evt.error != null) finish(evt.error)
      else if (stream.readableEnded) finish()
    }
    stream.maxReadBufferLength = PAUSED_READ_LIMIT
    stream.addEventListener('message', onMessage)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose)
    if (stream.readableEnded) finish()
  })
}

function bytesOf (chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}

// Echo: every byte back; close our write side once the remote closed theirs and all is sent.
async function serveEcho (stream) {
  try {
    await consume(stream, (chunk) => {
      if (!stream.send(chunk)) return stream.onDrain()
    })
    await stream.close()
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

// perf: 8-byte big-endian size to send back, then the upload (discarded) until the remote
// closes its write side, then that many bytes, then close.
async function servePerf (stream) {
  try {
    const header = []
    let headerLen = 0
    await consume(stream, (chunk) => {
      if (headerLen < 8) {
        const b = bytesOf(chunk)
        const take = Math.min(8 - headerLen, b.byteLength)
        header.push(b.subarray(0, take))
        headerLen += take
      }
    })
    if (headerLen < 8) throw new Error('perf: stream ended before the 8-byte size')
    const size = Buffer.concat(header).readBigUInt64BE(0)
    if (size > PERF_MAX_DOWNLOAD) throw new Error(`perf: refusing to send ${size} bytes (limit ${PERF_MAX_DOWNLOAD})`)
    await sendZeros(stream, size)
    await stream.close()
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

const zeroChunk = new Uint8Array(CHUNK * 4)

async function sendZeros (stream, size, signal) {
  let left = BigInt(size)
  while (left > 0n) {
    const n = left > BigInt(zeroChunk.byteLength) ? zeroChunk.byteLength : Number(left)
    await sendChunk(stream, n === zeroChunk.byteLength ? zeroChunk : zeroChunk.subarray(0, n), signal)
    left -= BigInt(n)
  }
}

export async function doPing (node, ma, { count = 1, signal } = {}) {
  const conn = await dialVerified(node, ma, { signal })
  const rtts = []
  for (let i = 0; i < count; i++) {
    try {
      rtts.push(await node.services.ping.ping(conn.remotePeer, { signal }))
    } catch (err) {
      throw new PeerError(`ping ${i + 1}/${count} failed: ${err.message}`)
    }
  }
  return { peerId: conn.remotePeer.toString(), rtts }
}

export async function doIdentify (node, ma, { signal } = {}) {
  const conn = await dialVerified(node, ma, { signal })
  let res
  try {
    res = await node.services.identify.identify(conn, { signal })
  } catch (err) {
    throw new PeerError(`identify failed: ${err.message}`)
  }
  if (!res.peerId.equals(conn.remotePeer)) {
    throw new PeerError(`identify names ${res.peerId}, connection is with ${conn.remotePeer}`, EXIT.PEER_ID_MISMATCH)
  }
  return {
    peerId: conn.remotePeer.toString(),
    agentVersion: res.agentVersion ?? null,
    protocolVersion: res.protocolVersion ?? null,
    protocols: [...res.protocols].sort(),
    listenAddrs: res.listenAddrs.map((a) => a.toString()),
    observedAddr: res.observedAddr?.toString() ?? null,
    signedPeerRecord: res.signedPeerRecord != null
  }
}

async function openStream (conn, protocol, signal) {
  try {
    return await conn.newStream(protocol, { signal, maxOutboundStreams: STREAM_LIMIT })
  } catch (err) {
    throw new PeerError(`open ${protocol} stream failed: ${err.message}`)
  }
}

function streamPayload (index, size) {
  const tag = Buffer.from(`echo stream ${index} `)
  const buf = Buffer.alloc(size)
  tag.copy(buf, 0, 0, Math.min(tag.length, size))
  if (size > tag.length) randomBytes(size - tag.length).copy(buf, tag.length)
  return buf
}

// Sends `data` on a fresh echo stream and returns what came back.
async function echoOnce (conn, data, signal) {
  const stream = await openStream(conn, ECHO_PROTOCOL, signal)
  const received = []
  const reading = consume(stream, (chunk) => { received.push(Buffer.from(bytesOf(chunk))) })
  reading.catch(() => {})
  try {
    for (let off = 0; off < data.length; off += CHUNK) {
      await sendChunk(stream, data.subarray(off, off + CHUNK), signal)
    }
    await stream.close({ signal })
    await reading
  } catch (err) {
    stream.abort(err)
    throw new PeerError(`echo stream failed: ${err.message}`)
  }
  return Buffer.concat(received)
}

// `streams` concurrent echo streams, each with its own payload of 1 KiB to ~17 KiB.
export async function doEchoMany (node, ma, { streams, signal } = {}) {
  const conn = await dialVerified(node, ma, { signal })
  const payloads = Array.from({ length: streams }, (_, i) => streamPayload(i, 1024 + ((i * 7919) % 16384)))
  const results = await Promise.allSettled(payloads.map((p) => echoOnce(conn, p, signal)))
  const failed = results.filter((r) => r.status === 'rejected')
  if (failed.length > 0) {
    throw new PeerError(`${failed.length}/${streams} echo streams failed, first: ${failed[0].reason.message}`)
  }
  results.forEach((r, i) => {
    if (!r.value.equals(payloads[i])) {
      throw new PeerError(`echo stream ${i}: sent ${payloads[i].length} bytes, got back ${r.value.length} different bytes`, EXIT.MISMATCH)
    }
  })
  return {
    peerId: conn.remotePeer.toString(),
    streams,
    bytes: payloads.reduce((n, p) => n + p.length, 0)
  }
}

// Pseudo-random bytes from a fixed seed (xorshift32), so a run can be repeated exactly.
function * patternChunks (total, seed) {
  let x = seed >>> 0 || 1
  let left = total
  while (left > 0) {
    const n = Math.min(CHUNK, left)
    const chunk = Buffer.allocUnsafe(n)
    const words = Math.floor(n / 4)
    for (let i = 0; i < words; i++) {
      x ^= x << 13; x >>>= 0
      x ^= x >>> 17
      x ^= x << 5; x >>>= 0
      chunk.writeUInt32LE(x, i * 4)
    }
    for (let i = words * 4; i < n; i++) chunk[i] = i & 0xff
    left -= n
    yield chunk
  }
}

// One echo stream carrying `bytes` bytes; both directions are hashed and compared.
export async function doEchoLarge (node, ma, { bytes, seed = 0x6d657368, signal } = {}) {
  const conn = await dialVerified(node, ma, { signal })
  const stream = await openStream(conn, ECHO_PROTOCOL, signal)
  const sent = createHash('sha256')
  const got = createHash('sha256')
  let received = 0
  const reading = consume(stream, (chunk) => {
    for (const b of (chunk instanceof Uint8Array ? [chunk] : chunk)) {
      got.update(b)
      received += b.byteLength
    }
  })
  reading.catch(() => {})
  try {
    for (const chunk of patternChunks(bytes, seed)) {
      sent.update(chunk)
      await sendChunk(stream, chunk, signal)
    }
    await stream.close({ signal })
    await reading
  } catch (err) {
    stream.abort(err)
    throw new PeerError(`echo stream failed after ${received} bytes back: ${err.message}`)
  }
  const result = {
    peerId: conn.remotePeer.toString(),
    bytes,
    received,
    sentSha256: sent.digest('hex'),
    receivedSha256: got.digest('hex')
  }
  if (received !== bytes || result.sentSha256 !== result.receivedSha256) {
    throw new PeerError(`echo mismatch: sent ${bytes} bytes sha256 ${result.sentSha256}, got ${received} bytes sha256 ${result.receivedSha256}`, EXIT.MISMATCH)
  }
  return result
}

// perf client: asks for `download` bytes, sends `upload` bytes, closes, reads to the end.
// Upload time runs from the first byte sent to the first byte back (the server answers only
// after reading the whole upload); download time from then to the end of the stream.
export async function doPerf (node, ma, { upload, download, signal } = {}) {
  const conn = await dialVerified(node, ma, { signal })
  const stream = await openStream(conn, PERF_PROTOCOL, signal)
  let received = 0
  let firstByteAt = null
  const reading = consume(stream, (chunk) => {
    if (firstByteAt == null) firstByteAt = process.hrtime.bigint()
    received += chunk.byteLength
  })
  reading.catch(() => {})
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(download), false)
  const start = process.hrtime.bigint()
  let uploadDoneAt
  try {
    await sendChunk(stream, header, signal)
    await sendZeros(stream, upload, signal)
    await stream.close({ signal })
    uploadDoneAt = process.hrtime.bigint()
    await reading
  } catch (err) {
    stream.abort(err)
    throw new PeerError(`perf stream failed after ${received} bytes back: ${err.message}`)
  }
  const end = process.hrtime.bigint()
  if (received !== download) {
    throw new PeerError(`perf: asked for ${download} bytes, got ${received}`, EXIT.MISMATCH)
  }
  const upEnd = firstByteAt ?? uploadDoneAt
  const uploadSeconds = Number(upEnd - start) / 1e9
  const downloadSeconds = Number(end - upEnd) / 1e9
  return {
    peerId: conn.remotePeer.toString(),
    upload,
    download,
    uploadSeconds,
    downloadSeconds,
    uploadGbps: upload > 0 ? (upload * 8) / uploadSeconds / 1e9 : null,
    downloadGbps: download > 0 && downloadSeconds > 0 ? (download * 8) / downloadSeconds / 1e9 : null
  }
}

// Resolves when SIGTERM/SIGINT arrives or, when `watchStdin` and stdin is a pipe or terminal,
// when stdin closes.
export function untilStopped ({ watchStdin = true } = {}) {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
    if (watchStdin && (process.stdin.isTTY || isPipe(0))) {
      process.stdin.on('data', () => {})
      process.stdin.once('end', () => resolve('stdin closed'))
      process.stdin.once('error', () => resolve('stdin error'))
      process.stdin.resume()
    }
  })
}

function isPipe (fd) {
  try {
    const st = fstatSync(fd)
    return st.isFIFO() || st.isSocket()
  } catch {
    return false
  }
}

// Runs `fn(signal)` with an overall deadline; the deadline turns into a PeerError(TIMEOUT).
export async function withDeadline (ms, what, fn) {
  const ctl = new AbortController()
  setMaxListeners(STREAM_LIMIT * 4, ctl.signal) // one listener per concurrent stream operation
  const timer = setTimeout(() => ctl.abort(new PeerError(`${what}: no result within ${ms} ms`, EXIT.TIMEOUT)), ms)
  try {
    return await Promise.race([
      fn(ctl.signal),
      new Promise((resolve, reject) => {
        ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason), { once: true })
      })
    ])
  } finally {
    clearTimeout(timer)
  }
}
