// The suite's DaemonFactory: spawn(options) -> { client, stop }.
//
//   'js' slot: js-libp2p 3.x behind @libp2p/daemon-server, in this process (js-daemon.mjs).
//   'go' slot: `$MESHCHAT_BIN p2pd` with go-libp2p-daemon's flags, controlled over a unix
//              socket in a fresh temp dir; with OFFICIAL_SELF_TEST=1, fake-p2pd.mjs instead.
//
// A 'go' daemon that exits 77 before it is ready throws the suite's UnsupportedError with the
// daemon's one-line reason. Set OFFICIAL_DEBUG=1 to copy the daemons' output to stderr.
import '../polyfill.mjs'
import { spawn as spawnProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { createClient } from '@libp2p/daemon-client'
import { UnsupportedError } from '@libp2p/interop'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { startJsDaemon } from './js-daemon.mjs'

export const EXIT_UNSUPPORTED = 77
// Bounds on a 'go' daemon's start and stop. The suite's before hooks allow 20 s for two spawns.
const READY_LIMIT_MS = 15_000
const STOP_LIMIT_MS = 5_000
const OUTPUT_TAIL_LINES = 20

const FAKE_P2PD = fileURLToPath(new URL('./fake-p2pd.mjs', import.meta.url))
const debug = process.env.OFFICIAL_DEBUG === '1'

// Children still running, so that the runner can end them whatever happens.
const children = new Set()

export function killAllChildren () {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
}

async function readKey (file) {
  return privateKeyFromProtobuf(new Uint8Array(await readFile(file)))
}

// ---------------------------------------------------------------------------------------------
// 'js'

async function spawnJs (options) {
  if (options.transport != null && options.transport !== 'tcp') {
    throw new UnsupportedError(`js daemon: transport ${options.transport} is not installed in this folder`)
  }
  const { server, node } = await startJsDaemon({
    controlAddr: multiaddr('/ip4/127.0.0.1/tcp/0'),
    listen: options.noListen === true ? [] : ['/ip4/127.0.0.1/tcp/0'],
    encryptions: [options.encryption ?? 'noise'],
    muxer: options.muxer,
    privateKey: options.key != null ? await readKey(options.key) : undefined,
    dht: options.dht,
    pubsub: options.pubsub,
    relay: options.relay
  })
  return {
    client: createClient(server.getMultiaddr()),
    async stop () {
      await server.stop()
      await node.stop()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 'go'

// go-libp2p-daemon's flags for `options`, as js-libp2p's interop runner passes them to p2pd.
export function p2pdFlags (options, controlSocketPath) {
  const flags = [`-listen=/unix${controlSocketPath}`]
  if (options.noListen === true) {
    flags.push('-noListenAddrs')
  } else if (options.transport == null || options.transport === 'tcp') {
    flags.push('-hostAddrs=/ip4/127.0.0.1/tcp/0')
  } else if (options.transport === 'webtransport') {
    flags.push('-hostAddrs=/ip4/127.0.0.1/udp/0/quic-v1/webtransport')
  } else if (options.transport === 'webrtc-direct') {
    flags.push('-hostAddrs=/ip4/127.0.0.1/udp/0/webrtc-direct')
  } else {
    throw new UnsupportedError(`unknown transport ${options.transport}`)
  }
  if (options.encryption != null) flags.push(`-${options.encryption}`)
  if (options.dht === true) flags.push('-dht')
  if (options.relay === true) flags.push('-relay')
  if (options.pubsub === true) flags.push('-pubsub')
  if (options.pubsubRouter != null) flags.push(`-pubsubRouter=${options.pubsubRouter}`)
  if (options.key != null) flags.push(`-id=${options.key}`)
  flags.push(`-muxer=${options.muxer === 'mplex' ? 'mplex' : 'yamux'}`)
  return flags
}

function tail (lines) {
  return lines.slice(-OUTPUT_TAIL_LINES).join('\n')
}

async function spawnGo (options, command) {
  const dir = await mkdtemp(join(tmpdir(), 'mc-p2pd-'))
  const socketPath = join(dir, 'ctl.sock')
  let expectedPeerId
  if (options.key != null) expectedPeerId = peerIdFromPrivateKey(await readKey(options.key)).toString()

  const args = [...command.args, ...p2pdFlags(options, socketPath)]
  const label = `${command.name} ${args.slice(command.args.length).join(' ')}`
  const child = spawnProcess(command.file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)

  const stdoutLines = []
  const stderrLines = []
  const ready = { controlSocket: null, peerId: null, addrsHeader: false, addrs: [] }
  let exited = null // { code, signal } once the process has exited
  let onProgress = () => {}

  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      children.delete(child)
      onProgress()
      resolve(exited)
    })
    child.on('error', (err) => {
      stderrLines.push(`spawn failed: ${err.message}`)
      exited = { code: null, signal: null, error: err }
      children.delete(child)
      onProgress()
      resolve(exited)
    })
  })

  const collect = (stream, lines, onLine) => {
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => {
      if (debug) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${command.name}] `))
      partial += chunk
      const parts = partial.split('\n')
      partial = parts.pop()
      for (const line of parts) {
        lines.push(line)
        if (lines.length > 1000) lines.shift()
        onLine?.(line.replace(/\r$/, ''))
      }
    })
  }
  collect(child.stdout, stdoutLines, (line) => {
    if (line.startsWith('Control socket:')) ready.controlSocket = line.slice('Control socket:'.length).trim()
    else if (line.startsWith('Peer ID:')) ready.peerId = line.slice('Peer ID:'.length).trim()
    else if (line.trim() === 'Peer Addrs:') ready.addrsHeader = true
    else if (ready.addrsHeader && line.startsWith('/')) ready.addrs.push(line.trim())
    onProgress()
  })
  collect(child.stderr, stderrLines)

  const output = () => `--- stdout ---\n${tail(stdoutLines)}\n--- stderr ---\n${tail(stderrLines)}`
  const cleanUp = async () => { await rm(dir, { recursive: true, force: true }) }
  const kill = async () => {
    if (exited == null) {
      child.kill('SIGKILL')
      await exitPromise
    }
    await cleanUp()
  }

  // Wait for `Control socket:`, `Peer ID:` and `Peer Addrs:`, or for the process to exit.
  const outcome = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), READY_LIMIT_MS)
    onProgress = () => {
      if (exited != null) {
        clearTimeout(timer)
        resolve('exited')
      } else if (ready.controlSocket != null && ready.peerId != null && ready.addrsHeader) {
        clearTimeout(timer)
        resolve('ready')
      }
    }
    onProgress()
  })
  onProgress = () => {}

  if (outcome === 'exited') {
    // Let the pipes drain so that the reason line is not lost.
    await new Promise((resolve) => setTimeout(resolve, 100))
    await cleanUp()
    if (exited.code === EXIT_UNSUPPORTED) {
      const reason = [...stderrLines, ...stdoutLines].map((l) => l.trim()).filter(Boolean).pop() ?? 'no reason given'
      throw new UnsupportedError(`${command.name} p2pd exited 77 (unsupported): ${reason} [${label}]`)
    }
    throw new Error(`${command.name} p2pd exited before it was ready (code ${exited.code}, signal ${exited.signal}) [${label}]\n${output()}`)
  }
  if (outcome === 'timeout') {
    await kill()
    throw new Error(`${command.name} p2pd printed no ready lines within ${READY_LIMIT_MS} ms [${label}]\n${output()}`)
  }
  if (expectedPeerId != null && ready.peerId !== expectedPeerId) {
    await kill()
    throw new Error(`${command.name} p2pd printed Peer ID ${ready.peerId}, but the key given with -id is ${expectedPeerId} [${label}]`)
  }

  // js-multiaddr 13 writes a unix path percent-encoded as one component.
  const client = createClient(multiaddr(`/unix/${encodeURIComponent(socketPath)}`))

  return {
    client,
    async stop () {
      if (exited != null) {
        await cleanUp()
        throw new Error(`${command.name} p2pd had already exited (code ${exited.code}, signal ${exited.signal}) before stop() [${label}]\n${output()}`)
      }
      child.kill('SIGTERM')
      const timer = new Promise((resolve) => setTimeout(resolve, STOP_LIMIT_MS, 'timeout'))
      const result = await Promise.race([exitPromise, timer])
      if (result === 'timeout') {
        await kill()
        throw new Error(`${command.name} p2pd did not exit within ${STOP_LIMIT_MS} ms of SIGTERM [${label}]\n${output()}`)
      }
      await cleanUp()
      const { code, signal } = result
      if (!(code === 0 || code === 143 || signal === 'SIGTERM')) {
        throw new Error(`${command.name} p2pd ended badly on SIGTERM (code ${code}, signal ${signal}) [${label}]\n${output()}`)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

// The program in the 'go' slot: meshchat, or with selfTest the js stand-in.
export function goCommand ({ selfTest, meshchatBin }) {
  if (selfTest) return { name: 'fake', file: process.execPath, args: [FAKE_P2PD, 'p2pd'] }
  return { name: 'meshchat', file: meshchatBin, args: ['p2pd'] }
}

export function createFactory (command) {
  return {
    async spawn (options) {
      if (options.type === 'go') return spawnGo(options, command)
      if (options.type === 'js') return spawnJs(options)
      throw new Error(`unknown daemon type ${options.type}`)
    }
  }
}
