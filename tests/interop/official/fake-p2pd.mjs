#!/usr/bin/env node
// Stand-in for `meshchat p2pd`, used only when OFFICIAL_SELF_TEST=1 to check this folder's
// harness js-vs-js: the factory spawns it exactly as it spawns meshchat. It keeps the same
// contract: Go-style flags, the ready lines
//
//   Control socket: <listen multiaddr>
//   Peer ID: <peer id>
//   Peer Addrs:
//   <one host address per line>
//
// exit 77 with a one-line reason for a configuration it does not serve (DHT client mode,
// pubsub, relay, mplex, non-TCP host addresses), exit 2 on a usage error, and a clean exit on
// SIGTERM/SIGINT.
//
// FAKE_P2PD_FAULT makes it misbehave, to show that the harness catches each fault:
//   unsupported     exit 77 with a reason before the ready lines
//   crash           exit 1 before the ready lines
//   wrong-id        ignore -id and use a fresh key
//   ignore-sigterm  keep running on SIGTERM
//
//   node fake-p2pd.mjs p2pd -listen=/unix/PATH|/ip4/127.0.0.1/tcp/PORT [-hostAddrs=MA[,MA...]]
//        [-noListenAddrs] [-id=KEYFILE] [-noise] [-tls] [-plaintext] [-muxer=yamux] [-q]
//        [-dht] [-pubsub] [-pubsubRouter=NAME] [-relay]
import '../polyfill.mjs'
import { readFile } from 'node:fs/promises'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { startJsDaemon } from './js-daemon.mjs'

const EXIT_USAGE = 2
const EXIT_UNSUPPORTED = 77
const STOP_LIMIT_MS = 5000

const BOOL_FLAGS = new Set(['q', 'noise', 'tls', 'plaintext', 'dht', 'dhtServer', 'dhtClient', 'pubsub', 'relay', 'noListenAddrs'])
const VALUE_FLAGS = new Set(['listen', 'hostAddrs', 'id', 'muxer', 'pubsubRouter'])

class UsageError extends Error {}

// Go's flag package: -name, --name, -name=value; a non-bool flag may take the next argument.
function parseFlags (argv) {
  const flags = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const m = /^--?([A-Za-z][A-Za-z0-9]*)(?:=(.*))?$/s.exec(arg)
    if (m == null) throw new UsageError(`unexpected argument ${arg}`)
    const [, name, inline] = m
    if (BOOL_FLAGS.has(name)) {
      if (inline == null || inline === 'true') flags[name] = true
      else if (inline === 'false') flags[name] = false
      else throw new UsageError(`invalid boolean value ${JSON.stringify(inline)} for -${name}`)
    } else if (VALUE_FLAGS.has(name)) {
      if (inline != null) flags[name] = inline
      else if (i + 1 < argv.length) flags[name] = argv[++i]
      else throw new UsageError(`flag needs an argument: -${name}`)
    } else {
      throw new UsageError(`flag provided but not defined: -${name}`)
    }
  }
  return flags
}

// Go multiaddr text to a js multiaddr: Go writes a unix path verbatim (/unix/tmp/x.sock),
// js-multiaddr 13 wants it percent-encoded as one component.
function controlMultiaddr (text) {
  if (text.startsWith('/unix/')) return multiaddr(`/unix/${encodeURIComponent(text.slice('/unix'.length))}`)
  return multiaddr(text)
}

function unsupported (reason) {
  process.stderr.write(`fake p2pd: ${reason}\n`)
  process.exit(EXIT_UNSUPPORTED)
}

const fault = process.env.FAKE_P2PD_FAULT ?? ''

async function main () {
  const argv = process.argv.slice(2)
  if (argv[0] !== 'p2pd') throw new UsageError('usage: fake-p2pd.mjs p2pd [flags]')
  const flags = parseFlags(argv.slice(1))
  if (flags.listen == null) throw new UsageError('-listen is required')

  // -dht is go-libp2p-daemon's full DHT mode, which answers queries like -dhtServer.
  if (flags.dhtClient) unsupported('DHT client mode is not served')
  if (flags.pubsub) unsupported('pubsub is not served')
  if (flags.relay) unsupported('circuit relay is not served')
  if (flags.muxer != null && flags.muxer !== 'yamux') unsupported(`muxer ${flags.muxer} is not served`)

  if (fault === 'unsupported') unsupported('FAKE_P2PD_FAULT=unsupported')
  if (fault === 'crash') throw new Error('FAKE_P2PD_FAULT=crash')

  const listen = flags.noListenAddrs || flags.hostAddrs == null || flags.hostAddrs === ''
    ? []
    : flags.hostAddrs.split(',')
  if (!flags.noListenAddrs && listen.length === 0) throw new UsageError('-hostAddrs or -noListenAddrs is required')
  for (const ma of listen) {
    if (!/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/.test(ma)) unsupported(`host address ${ma} is not served (TCP on 127.0.0.1 only)`)
  }

  const encryptions = ['noise', 'tls', 'plaintext'].filter((name) => flags[name])
  if (encryptions.length === 0) encryptions.push('noise', 'tls')

  let privateKey
  if (flags.id != null && fault !== 'wrong-id') privateKey = privateKeyFromProtobuf(new Uint8Array(await readFile(flags.id)))

  const { node, server } = await startJsDaemon({
    controlAddr: controlMultiaddr(flags.listen),
    listen,
    encryptions,
    muxer: flags.muxer,
    privateKey,
    dht: flags.dht === true || flags.dhtServer === true
  })

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    setTimeout(() => {
      process.stderr.write(`fake p2pd: did not stop within ${STOP_LIMIT_MS} ms\n`)
      process.exit(1)
    }, STOP_LIMIT_MS).unref()
    server.stop().then(() => process.exit(0), (err) => {
      process.stderr.write(`fake p2pd: stop failed: ${err.message}\n`)
      process.exit(1)
    })
  }
  // daemon-server stops itself on these signals but leaves the process running; this process
  // stops it once and then exits.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.removeListener(signal, server._onExit)
    process.on(signal, fault === 'ignore-sigterm' ? () => {} : stop)
  }

  if (!flags.q) {
    const lines = [
      `Control socket: ${flags.listen}`,
      `Peer ID: ${node.peerId}`,
      'Peer Addrs:',
      ...node.getMultiaddrs().map((ma) => ma.toString().replace(/\/p2p\/[^/]+$/, ''))
    ]
    process.stdout.write(lines.join('\n') + '\n')
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`fake p2pd: ${err.message}\n`)
    process.exit(EXIT_USAGE)
  }
  if (err?.name === 'UnsupportedError') unsupported(err.message)
  process.stderr.write(`fake p2pd: ${err?.stack ?? err}\n`)
  process.exit(1)
})
