#!/usr/bin/env node
// A js-libp2p peer for interop tests: a listener, or one client action against a multiaddr.
//
//   js-peer.mjs listen [--listen MA]... [--key FILE] [--agent STRING] [--no-stdin]
//       Prints `listening <multiaddr>/p2p/<PeerId>` per address, serves ping, identify,
//       identify push, /meshchat/echo/1.0.0 and /perf/1.0.0 until SIGTERM, SIGINT or (unless
//       --no-stdin) stdin closes when it is a pipe or terminal.
//   js-peer.mjs ping MA [-n COUNT]
//   js-peer.mjs identify MA
//   js-peer.mjs echo-many MA STREAMS
//   js-peer.mjs echo-large MA BYTES
//   js-peer.mjs perf MA --upload BYTES --download BYTES
//       Each client action checks that the remote proves the PeerId in MA's /p2p/ component,
//       prints one JSON object on stdout and exits 0; on failure one line on stderr and the
//       exit code from EXIT in js-peer-lib.mjs (3 data mismatch, 4 peer id mismatch, 5 timeout).
//   Options for client actions: --timeout MS (default 120000).
import './polyfill.mjs'
import {
  EXIT, PeerError, createPeer, doEchoLarge, doEchoMany, doIdentify, doPerf, doPing,
  listenAddrs, loadOrCreateKey, untilStopped, withDeadline, DEFAULT_AGENT
} from './js-peer-lib.mjs'

function parseArgs (argv) {
  const opts = { positional: [], listen: [], count: 1, timeout: 120_000, agent: DEFAULT_AGENT, stdin: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new PeerError(`${a} needs a value`, EXIT.USAGE)
      return argv[++i]
    }
    switch (a) {
      case '--listen': opts.listen.push(value()); break
      case '--key': opts.key = value(); break
      case '--agent': opts.agent = value(); break
      case '--no-stdin': opts.stdin = false; break
      case '-n': case '--count': opts.count = positiveInt(value(), a); break
      case '--timeout': opts.timeout = positiveInt(value(), a); break
      case '--upload': opts.upload = nonNegativeInt(value(), a); break
      case '--download': opts.download = nonNegativeInt(value(), a); break
      default:
        if (a.startsWith('-')) throw new PeerError(`unknown option ${a}`, EXIT.USAGE)
        opts.positional.push(a)
    }
  }
  return opts
}

function nonNegativeInt (s, what) {
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new PeerError(`${what}: not a non-negative integer: ${s}`, EXIT.USAGE)
  }
  return Number(s)
}

function positiveInt (s, what) {
  const n = nonNegativeInt(s, what)
  if (n === 0) throw new PeerError(`${what}: must be at least 1`, EXIT.USAGE)
  return n
}

async function listen (opts) {
  const privateKey = opts.key != null ? await loadOrCreateKey(opts.key) : undefined
  const node = await createPeer({
    privateKey,
    listen: opts.listen.length > 0 ? opts.listen : ['/ip4/127.0.0.1/tcp/0'],
    agent: opts.agent
  })
  for (const ma of listenAddrs(node)) process.stdout.write(`listening ${ma}\n`)
  await untilStopped({ watchStdin: opts.stdin })
  await node.stop()
}

const actions = {
  ping: { args: 1, run: (node, [ma], o, signal) => doPing(node, ma, { count: o.count, signal }) },
  identify: { args: 1, run: (node, [ma], o, signal) => doIdentify(node, ma, { signal }) },
  'echo-many': {
    args: 2,
    run: (node, [ma, n], o, signal) => doEchoMany(node, ma, { streams: positiveInt(n, 'STREAMS'), signal })
  },
  'echo-large': {
    args: 2,
    run: (node, [ma, n], o, signal) => doEchoLarge(node, ma, { bytes: positiveInt(n, 'BYTES'), signal })
  },
  perf: {
    args: 1,
    run: (node, [ma], o, signal) => doPerf(node, ma, { upload: o.upload ?? 0, download: o.download ?? 0, signal })
  }
}

async function main () {
  const [command, ...rest] = process.argv.slice(2)
  const opts = parseArgs(rest)
  if (command === 'listen') {
    if (opts.positional.length !== 0) throw new PeerError('listen takes no positional arguments', EXIT.USAGE)
    return listen(opts)
  }
  const action = actions[command]
  if (action == null) {
    throw new PeerError(`usage: js-peer.mjs listen|${Object.keys(actions).join('|')} ...`, EXIT.USAGE)
  }
  if (opts.positional.length !== action.args) {
    throw new PeerError(`${command} takes ${action.args} positional argument(s)`, EXIT.USAGE)
  }
  const node = await createPeer({ agent: opts.agent, identifyOnConnect: false })
  try {
    const result = await withDeadline(opts.timeout, command,
      (signal) => action.run(node, opts.positional, opts, signal))
    process.stdout.write(JSON.stringify({ action: command, ...result }) + '\n')
  } finally {
    await node.stop().catch(() => {})
  }
}

main().then(() => {
  process.exit(EXIT.OK)
}, (err) => {
  const line = String(err?.message ?? err).split('\n')[0]
  process.stderr.write(`js-peer: ${line}\n`)
  process.exit(err instanceof PeerError ? err.exitCode : EXIT.FAILED)
})
