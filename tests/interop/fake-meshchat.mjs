#!/usr/bin/env node
// Stand-in for the meshchat binary, used only when INTEROP_SELF_TEST=1 to check the interop
// harness js-vs-js. It implements the part of meshchat's CLI contract the interop tests drive:
//
//   fake-meshchat.mjs --home DIR init [--nickname NAME]
//   fake-meshchat.mjs --home DIR daemon --listen MA [--no-mdns]
//   fake-meshchat.mjs --home DIR ping MA [-n COUNT]
//   fake-meshchat.mjs --home DIR identify MA --json
//
// Errors are one line on stderr and a non-zero exit status.
import './polyfill.mjs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  PeerError, EXIT, createPeer, doIdentify, doPing, listenAddrs, loadOrCreateKey, untilStopped,
  withDeadline
} from './js-peer-lib.mjs'

export const FAKE_AGENT = 'meshchat/0.0.0-js-selftest'

function parse (argv) {
  const o = { listen: [], count: 1, json: false, positional: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new PeerError(`${a} needs a value`, EXIT.USAGE)
      return argv[++i]
    }
    if (a === '--home') o.home = value()
    else if (a === '--listen') o.listen.push(value())
    else if (a === '--nickname') o.nickname = value()
    else if (a === '-n') o.count = Number(value())
    else if (a === '--json') o.json = true
    else if (a === '--no-mdns') o.noMdns = true
    else if (a.startsWith('-')) throw new PeerError(`unknown option ${a}`, EXIT.USAGE)
    else o.positional.push(a)
  }
  if (o.home == null) throw new PeerError('--home is required', EXIT.USAGE)
  if (!Number.isInteger(o.count) || o.count < 1) throw new PeerError('-n: must be a positive integer', EXIT.USAGE)
  return o
}

async function main () {
  const o = parse(process.argv.slice(2))
  const [command, target] = o.positional
  await mkdir(o.home, { recursive: true })
  const privateKey = await loadOrCreateKey(join(o.home, 'identity.key'))
  if (command === 'init') {
    const node = await createPeer({ privateKey, agent: FAKE_AGENT })
    process.stdout.write(`${node.peerId}\n`)
    await node.stop()
    return
  }
  if (command === 'daemon') {
    const node = await createPeer({ privateKey, agent: FAKE_AGENT, listen: o.listen })
    for (const ma of listenAddrs(node)) process.stdout.write(`listening ${ma}\n`)
    await untilStopped({ watchStdin: false })
    await node.stop()
    return
  }
  if ((command === 'ping' || command === 'identify') && target != null) {
    const node = await createPeer({ privateKey, agent: FAKE_AGENT, identifyOnConnect: false })
    try {
      await withDeadline(60_000, command, async (signal) => {
        if (command === 'ping') {
          const { rtts } = await doPing(node, target, { count: o.count, signal })
          for (const rtt of rtts) process.stdout.write(`rtt ${rtt} ms\n`)
        } else {
          process.stdout.write(JSON.stringify(await doIdentify(node, target, { signal }), null, 2) + '\n')
        }
      })
    } finally {
      await node.stop().catch(() => {})
    }
    return
  }
  throw new PeerError(`unknown command: ${command ?? '(none)'}`, EXIT.USAGE)
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${String(err?.message ?? err).split('\n')[0]}\n`)
  process.exit(err instanceof PeerError ? err.exitCode : EXIT.FAILED)
})
