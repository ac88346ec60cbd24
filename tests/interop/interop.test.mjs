// Interop between meshchat and js-libp2p, both directions, over 127.0.0.1.
//
//   MESHCHAT_BIN=/path/to/meshchat node --import ./polyfill.mjs --test interop.test.mjs
//
// MESHCHAT_BIN is required; without it every test fails saying so. INTEROP_SELF_TEST=1 replaces
// meshchat by fake-meshchat.mjs (js-libp2p behind meshchat's CLI contract) to check this harness
// js-vs-js; it proves nothing about meshchat.
import './polyfill.mjs'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const JS_PEER = join(HERE, 'js-peer.mjs')
const SELF_TEST = process.env.INTEROP_SELF_TEST === '1'
const JS_AGENT = 'meshchat-interop-js/1.0.0'
const PEER_ID_RE = /\b12D3KooW[1-9A-HJ-NP-Za-km-z]{44}\b/g
const ECHO_STREAMS = 64
const ECHO_LARGE_BYTES = 64 * 1024 * 1024
const PING_COUNT = 3
const PERF_BYTES = 8 * 1024 * 1024
const SERVED = ['/ipfs/ping/1.0.0', '/ipfs/id/1.0.0', '/ipfs/id/push/1.0.0', '/meshchat/echo/1.0.0', '/perf/1.0.0']

// Exit codes of js-peer.mjs (EXIT in js-peer-lib.mjs).
const JS_EXIT_PEER_ID_MISMATCH = 4

// Why the tests cannot run, or null.
function setupProblem () {
  if (!existsSync(join(HERE, 'node_modules', 'libp2p', 'package.json'))) {
    return `js-libp2p is not installed in ${HERE}/node_modules: run scripts/install-deps.sh ` +
      '(it runs `npm ci` there)'
  }
  if (SELF_TEST) return null
  const bin = process.env.MESHCHAT_BIN
  if (bin == null || bin === '') {
    return 'MESHCHAT_BIN is not set: point it at the meshchat binary (ctest sets it), or set ' +
      'INTEROP_SELF_TEST=1 to check this harness js-vs-js'
  }
  if (!existsSync(bin)) return `MESHCHAT_BIN=${bin} does not exist`
  return null
}

const problem = setupProblem()

function meshchat () {
  if (SELF_TEST) return { cmd: process.execPath, pre: [join(HERE, 'fake-meshchat.mjs')] }
  return { cmd: process.env.MESHCHAT_BIN, pre: [] }
}

// Every process and folder a test makes, so that `after` can clean up whatever happened.
const children = new Set()
const homes = []

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

async function freshHome () {
  const dir = await mkdtemp(join(tmpdir(), 'meshchat-interop-'))
  homes.push(dir)
  return dir
}

function describeRun (cmd, args) {
  return [cmd, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')
}

// Runs a command to completion; SIGKILL after `timeout` ms.
function run (cmd, args, { timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d })
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL') }, timeout)
    child.on('error', (err) => { clearTimeout(timer); children.delete(child); reject(err) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      resolve({ code, signal, stdout, stderr, timedOut, what: describeRun(cmd, args) })
    })
  })
}

function explain (r) {
  return `${r.what}\nexit ${r.code}${r.signal ? ` signal ${r.signal}` : ''}` +
    `${r.timedOut ? ' (timed out, killed)' : ''}\nstdout: ${r.stdout.trim()}\nstderr: ${r.stderr.trim()}`
}

function assertOk (r) {
  assert.equal(r.code, 0, explain(r))
  return r
}

function parseJson (r) {
  try {
    return JSON.parse(r.stdout)
  } catch (err) {
    assert.fail(`stdout is not one JSON value (${err.message})\n${explain(r)}`)
  }
}

// Starts a long-running process and waits until it has printed its `listening` lines.
async function startListener (cmd, args, { timeout = 30_000 } = {}) {
  const child = spawn(cmd, args, { cwd: HERE, stdio: ['pipe', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d })
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => { children.delete(child); resolve({ code, signal }) })
  })
  const addrs = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no listening line within ${timeout} ms from ${describeRun(cmd, args)}\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeout)
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
      // A listener prints all its addresses at once; take them when the first complete line is in.
      const lines = stdout.split('\n').slice(0, -1).filter((l) => l.startsWith('listening '))
      if (lines.length > 0) {
        clearTimeout(timer)
        resolve(lines.map((l) => l.slice('listening '.length).trim()))
      }
    })
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${describeRun(cmd, args)} exited (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`))
    })
  })
  return {
    child,
    addrs,
    exited,
    stderr: () => stderr,
    // SIGTERM, then SIGKILL if it is still running after `grace` ms. Resolves to how it ended.
    async stop (grace = 10_000) {
      if (child.exitCode != null || child.signalCode != null) return exited
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), grace)
      const how = await exited
      clearTimeout(timer)
      return how
    }
  }
}

// The loopback TCP address among `addrs` that names `peerId`.
function loopbackAddr (addrs, peerId) {
  const ma = addrs.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/') && a.endsWith(`/p2p/${peerId}`))
  assert.ok(ma, `no /ip4/127.0.0.1/tcp/.../p2p/${peerId} among listening addresses: ${addrs.join(', ')}`)
  return ma
}

function jsPeer (args, opts) {
  return run(process.execPath, [JS_PEER, ...args], opts)
}

async function meshchatInit (home) {
  const { cmd, pre } = meshchat()
  const r = assertOk(await run(cmd, [...pre, '--home', home, 'init', '--nickname', 'interop'], { timeout: 30_000 }))
  const ids = [...new Set(r.stdout.match(PEER_ID_RE) ?? [])]
  assert.equal(ids.length, 1, `init should print exactly one PeerId\n${explain(r)}`)
  return ids[0]
}

function meshchatRun (home, args, opts) {
  const { cmd, pre } = meshchat()
  return run(cmd, [...pre, '--home', home, ...args], opts)
}

// A PeerId that nobody in the test holds the key for.
async function unrelatedPeerId () {
  const { generateKeyPair } = await import('@libp2p/crypto/keys')
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function withPeerId (ma, peerId) {
  const i = ma.lastIndexOf('/p2p/')
  assert.ok(i > 0, `no /p2p/ in ${ma}`)
  return `${ma.slice(0, i)}/p2p/${peerId}`
}

function tcpPart (ma) {
  return ma.slice(0, ma.lastIndexOf('/p2p/'))
}

after(async () => {
  for (const child of children) child.kill('SIGKILL')
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })))
})

if (problem != null) {
  test('interop setup', () => { assert.fail(problem) })
} else {
  if (SELF_TEST) console.log('INTEROP_SELF_TEST=1: meshchat is replaced by fake-meshchat.mjs (js-libp2p)')

  describe('js-libp2p dials meshchat', { timeout: 300_000 }, () => {
    let home
    let peerId
    let daemon
    let addr

    after(async () => {
      await daemon?.stop()
    })

    // Setup is a test of its own so that a failure shows here and every later test fails too.
    test('init, then the daemon listens on loopback under the PeerId init printed', { timeout: 60_000 }, async () => {
      home = await freshHome()
      peerId = await meshchatInit(home)
      const { cmd, pre } = meshchat()
      daemon = await startListener(cmd, [...pre, '--home', home, 'daemon', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
      addr = loopbackAddr(daemon.addrs, peerId)
    })

    test(`ping x${PING_COUNT}`, { timeout: 60_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const r = assertOk(await jsPeer(['ping', addr, '-n', String(PING_COUNT)]))
      const out = parseJson(r)
      assert.equal(out.peerId, peerId)
      assert.equal(out.rtts.length, PING_COUNT)
    })

    test('identify', { timeout: 60_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const out = parseJson(assertOk(await jsPeer(['identify', addr])))
      assert.equal(out.peerId, peerId)
      assert.equal(typeof out.agentVersion, 'string')
      assert.ok(out.agentVersion.startsWith('meshchat/'), `agentVersion ${out.agentVersion}`)
      assert.equal(typeof out.protocolVersion, 'string')
      assert.ok(out.protocolVersion.length > 0, 'empty protocolVersion')
      for (const p of SERVED) assert.ok(out.protocols.includes(p), `${p} missing from ${out.protocols.join(', ')}`)
      assert.ok(out.listenAddrs.some((a) => a === tcpPart(addr) || a === addr),
        `listenAddrs ${out.listenAddrs.join(', ')} lack ${tcpPart(addr)}`)
      assert.match(out.observedAddr ?? '', /^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)
    })

    test(`${ECHO_STREAMS} concurrent echo streams`, { timeout: 120_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const out = parseJson(assertOk(await jsPeer(['echo-many', addr, String(ECHO_STREAMS)], { timeout: 110_000 })))
      assert.equal(out.peerId, peerId)
      assert.equal(out.streams, ECHO_STREAMS)
    })

    test(`echo ${ECHO_LARGE_BYTES} bytes on one stream`, { timeout: 180_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const out = parseJson(assertOk(await jsPeer(['echo-large', addr, String(ECHO_LARGE_BYTES)], { timeout: 170_000 })))
      assert.equal(out.peerId, peerId)
      assert.equal(out.received, ECHO_LARGE_BYTES)
      assert.equal(out.receivedSha256, out.sentSha256)
    })

    test(`perf: upload ${PERF_BYTES} bytes, download ${PERF_BYTES} bytes`, { timeout: 120_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const out = parseJson(assertOk(await jsPeer(['perf', addr, '--upload', String(PERF_BYTES), '--download', String(PERF_BYTES)], { timeout: 110_000 })))
      assert.equal(out.peerId, peerId)
      assert.equal(out.upload, PERF_BYTES)
      assert.equal(out.download, PERF_BYTES) // js-peer exits 3 unless exactly this many came back
    })

    test('js-libp2p refuses the daemon under another PeerId', { timeout: 60_000 }, async () => {
      assert.ok(addr, 'no daemon address')
      const wrong = await unrelatedPeerId()
      const r = await jsPeer(['ping', withPeerId(addr, wrong)])
      assert.equal(r.code, JS_EXIT_PEER_ID_MISMATCH, explain(r))
      assert.match(r.stderr, /peer id mismatch/)
    })

    test('daemon is still up, then stops on SIGTERM', { timeout: 30_000 }, async () => {
      assert.ok(daemon, 'setup failed')
      assert.equal(daemon.child.exitCode, null, `daemon exited early\nstderr: ${daemon.stderr()}`)
      daemon.child.kill('SIGTERM')
      let timer
      const how = await Promise.race([
        daemon.exited,
        new Promise((resolve) => { timer = setTimeout(() => resolve(null), 15_000) })
      ])
      clearTimeout(timer)
      assert.ok(how != null, 'daemon still running 15 s after SIGTERM')
      // Stopped by its own SIGTERM handling (exit 0) or by the signal's default action.
      assert.ok(how.code === 0 || how.code === 143 || how.signal === 'SIGTERM',
        `daemon ended with ${how.code ?? how.signal} after SIGTERM\nstderr: ${daemon.stderr()}`)
    })
  })

  describe('meshchat dials js-libp2p', { timeout: 300_000 }, () => {
    let home
    let js
    let jsId
    let jsAddr

    after(async () => {
      await js?.stop()
    })

    test('meshchat init; a js-libp2p node listens on loopback', { timeout: 60_000 }, async () => {
      js = await startListener(process.execPath, [JS_PEER, 'listen', '--agent', JS_AGENT])
      const ids = [...new Set(js.addrs.map((a) => a.slice(a.lastIndexOf('/p2p/') + 5)))]
      assert.equal(ids.length, 1, `js listener addresses: ${js.addrs.join(', ')}`)
      const addr = loopbackAddr(js.addrs, ids[0])
      const dir = await freshHome()
      await meshchatInit(dir)
      ;[jsId, jsAddr, home] = [ids[0], addr, dir]
    })

    test(`meshchat ping x${PING_COUNT}`, { timeout: 60_000 }, async () => {
      assert.ok(jsAddr && home, 'setup failed')
      const r = assertOk(await meshchatRun(home, ['ping', jsAddr, '-n', String(PING_COUNT)]))
      const lines = r.stdout.split('\n').filter((l) => l.trim() !== '')
      assert.ok(lines.length >= PING_COUNT, `expected ${PING_COUNT} RTT lines\n${explain(r)}`)
    })

    test('meshchat identify --json', { timeout: 60_000 }, async () => {
      assert.ok(jsAddr && home, 'setup failed')
      const r = assertOk(await meshchatRun(home, ['identify', jsAddr, '--json']))
      const out = parseJson(r)
      assert.equal(out.peerId, jsId)
      assert.equal(out.agentVersion, JS_AGENT)
      assert.equal(typeof out.protocolVersion, 'string')
      assert.ok(Array.isArray(out.protocols), explain(r))
      for (const p of SERVED) assert.ok(out.protocols.includes(p), `${p} missing from ${out.protocols.join(', ')}`)
      assert.ok(Array.isArray(out.listenAddrs), explain(r))
      assert.ok(out.listenAddrs.some((a) => a === tcpPart(jsAddr) || a === jsAddr),
        `listenAddrs ${out.listenAddrs.join(', ')} lack ${tcpPart(jsAddr)}`)
      assert.equal(typeof out.observedAddr, 'string')
      assert.match(out.observedAddr, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)
    })

    test('meshchat refuses the js node under another PeerId', { timeout: 60_000 }, async () => {
      assert.ok(jsAddr && home, 'setup failed')
      const wrong = await unrelatedPeerId()
      assert.notEqual(wrong, jsId)
      const r = await meshchatRun(home, ['ping', withPeerId(jsAddr, wrong), '-n', '1'])
      assert.notEqual(r.code, 0, explain(r))
      assert.ok(!r.timedOut, explain(r))
      assert.match(r.stderr, /peer id mismatch/i, explain(r))
    })

    test('js listener is still up', () => {
      assert.ok(js, 'setup failed')
      assert.equal(js.child.exitCode, null, `js listener exited\nstderr: ${js.stderr()}`)
    })
  })
}
