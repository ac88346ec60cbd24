#!/usr/bin/env node
// js-libp2p throughput over loopback with the libp2p perf protocol (/perf/1.0.0): the client
// opens one stream, writes the 8-byte big-endian size it wants back, uploads, closes its write
// side; the server discards the upload, then sends the requested bytes and closes.
//
//   perf.mjs [--bytes N]                 js <-> js: starts `perf.mjs server` as a child process
//                                        and runs the client against it (default 1 GiB each way)
//   perf.mjs server [--listen MA]        serve /perf/1.0.0 (and echo, ping, identify); prints
//                                        `listening <ma>/p2p/<id>`; stops on SIGTERM or when
//                                        stdin (a pipe) closes
//   perf.mjs client MA [--bytes N]       run the client against MA, e.g. a meshchat daemon
//            [--upload N] [--download N]
//
// Prints {"upload_gbps":..,"download_gbps":..,"bytes":..,"upload_bytes":..,"download_bytes":..,
// "upload_seconds":..,"download_seconds":..} on stdout. Upload time runs from the first byte sent
// to the first byte back (the server answers only after the whole upload), download time from
// then to the end of the stream. The npm packages come from tests/interop/node_modules.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const INTEROP = join(HERE, '..', '..', 'tests', 'interop')
const DEFAULT_BYTES = 1024 * 1024 * 1024

if (!existsSync(join(INTEROP, 'node_modules', 'libp2p', 'package.json'))) {
  process.stderr.write(`perf: js-libp2p is not installed in ${INTEROP}/node_modules: run scripts/install-deps.sh\n`)
  process.exit(2)
}
await import(join(INTEROP, 'polyfill.mjs'))
const lib = await import(join(INTEROP, 'js-peer-lib.mjs'))
const { EXIT, PeerError } = lib

function parseArgs (argv) {
  const o = { positional: [], listen: [], timeout: 600_000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new PeerError(`${a} needs a value`, EXIT.USAGE)
      return argv[++i]
    }
    const size = () => {
      const s = value()
      if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new PeerError(`${a}: not a byte count: ${s}`, EXIT.USAGE)
      return Number(s)
    }
    if (a === '--bytes') o.bytes = size()
    else if (a === '--upload') o.upload = size()
    else if (a === '--download') o.download = size()
    else if (a === '--listen') o.listen.push(value())
    else if (a === '--timeout') o.timeout = size()
    else if (a.startsWith('-')) throw new PeerError(`unknown option ${a}`, EXIT.USAGE)
    else o.positional.push(a)
  }
  o.upload ??= o.bytes ?? DEFAULT_BYTES
  o.download ??= o.bytes ?? DEFAULT_BYTES
  return o
}

async function server (o) {
  const node = await lib.createPeer({ listen: o.listen.length > 0 ? o.listen : ['/ip4/127.0.0.1/tcp/0'] })
  for (const ma of lib.listenAddrs(node)) process.stdout.write(`listening ${ma}\n`)
  await lib.untilStopped()
  await node.stop()
}

async function client (ma, o) {
  const node = await lib.createPeer({ identifyOnConnect: false })
  try {
    const r = await lib.withDeadline(o.timeout, 'perf', (signal) =>
      lib.doPerf(node, ma, { upload: o.upload, download: o.download, signal }))
    return {
      upload_gbps: r.uploadGbps,
      download_gbps: r.downloadGbps,
      bytes: Math.max(o.upload, o.download),
      upload_bytes: r.upload,
      download_bytes: r.download,
      upload_seconds: r.uploadSeconds,
      download_seconds: r.downloadSeconds
    }
  } finally {
    await node.stop().catch(() => {})
  }
}

// Starts `perf.mjs server` in its own process, so that each side has a core of its own.
function startServer () {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'server'], { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new PeerError('perf server did not start within 30 s')) }, 30_000)
    child.on('exit', (code) => { clearTimeout(timer); reject(new PeerError(`perf server exited (${code}) before listening`)) })
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith('listening /ip4/127.0.0.1/tcp/'))
      if (line != null) {
        clearTimeout(timer)
        resolve({ child, ma: line.slice('listening '.length).trim() })
      }
    })
  })
}

async function local (o) {
  const { child, ma } = await startServer()
  try {
    return await client(ma, o)
  } finally {
    child.stdin.end()
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await new Promise((resolve) => {
      if (child.exitCode != null || child.signalCode != null) resolve()
      else child.once('exit', resolve)
    })
    clearTimeout(killer)
  }
}

async function main () {
  const argv = process.argv.slice(2)
  const mode = ['server', 'client'].includes(argv[0]) ? argv.shift() : 'local'
  const o = parseArgs(argv)
  if (mode === 'server') {
    if (o.positional.length !== 0) throw new PeerError('server takes no positional arguments', EXIT.USAGE)
    return server(o)
  }
  let result
  if (mode === 'client') {
    if (o.positional.length !== 1) throw new PeerError('usage: perf.mjs client MULTIADDR [--bytes N]', EXIT.USAGE)
    result = await client(o.positional[0], o)
  } else {
    if (o.positional.length !== 0) throw new PeerError('usage: perf.mjs [server|client MA] [--bytes N]', EXIT.USAGE)
    result = await local(o)
  }
  process.stdout.write(JSON.stringify(result) + '\n')
}

main().then(() => process.exit(EXIT.OK), (err) => {
  process.stderr.write(`perf: ${String(err?.message ?? err).split('\n')[0]}\n`)
  process.exit(err instanceof PeerError ? err.exitCode : EXIT.FAILED)
})
