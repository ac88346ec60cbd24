#!/usr/bin/env node
// Runs the official libp2p interop suite (@libp2p/interop) with meshchat p2pd in the 'go' slot
// and js-libp2p 3.x in the 'js' slot, under mocha, and ends with `N passed, N failed`.
//
//   MESHCHAT_BIN=build/release/meshchat node run.mjs      # meshchat p2pd in the 'go' slot
//   OFFICIAL_SELF_TEST=1 node run.mjs                     # fake-p2pd.mjs there: harness check only
//
// Env: OFFICIAL_GREP=REGEX runs only the combinations whose full title matches;
//      OFFICIAL_DEBUG=1 copies the 'go' daemons' output to stderr.
//
// Counting is per combination (one describe of the suite: two daemons, one test): passed when
// its test passed and none of its hooks failed; failed when its test or a hook failed or it did
// not run. A skipped combination that involves the 'go' slot counts as failed, since meshchat
// is required to run every combination here; a skipped js-vs-js combination stays skipped.
import '../polyfill.mjs'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const MOCHA_TIMEOUT_MS = 60_000

// Suites of @libp2p/interop that are not loaded, and why.
const EXCLUDED_SUITES = [
  ['pubsub', 'meshchat p2pd has no pubsub yet (it exits 77 for -pubsub)'],
  ['relay', 'meshchat p2pd has no circuit relay yet (it exits 77 for -relay)']
]
// Connect-suite transports that are removed from the run, and why.
const EXCLUDED_TRANSPORTS = [
  ['webtransport', 'meshchat speaks TCP only, and js-libp2p has no WebTransport listener in Node.js'],
  ['webrtc-direct', 'meshchat speaks TCP only; this folder installs no WebRTC transport for js-libp2p']
]

function finish (passed, failed, skipped, code) {
  process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`)
  process.exitCode = code
}

// 'js peer to go peer over tcp', 'go sender to js listener': does the 'go' slot take part?
function involvesGo (testTitle) {
  const m = /^(js|go) (?:peer|sender) to (js|go) (?:peer|listener)\b/.exec(testTitle)
  if (m == null) return true // unknown shape: count it as involving meshchat
  return m[1] === 'go' || m[2] === 'go'
}

function leafSuites (suite, out = []) {
  if (suite.tests.length > 0) out.push(suite)
  for (const child of suite.suites) leafSuites(child, out)
  return out
}

async function main () {
  const selfTest = process.env.OFFICIAL_SELF_TEST === '1'
  const meshchatBin = process.env.MESHCHAT_BIN
  if (!existsSync(join(here, 'node_modules', '@libp2p', 'interop'))) {
    process.stderr.write('tests/interop/official/node_modules is missing: run scripts/install-deps.sh (npm ci in this folder)\n')
    return finish(0, 1, 0, 1)
  }
  if (!selfTest && !meshchatBin) {
    process.stderr.write('set MESHCHAT_BIN to the meshchat binary (ctest does), or OFFICIAL_SELF_TEST=1 to check the harness js-vs-js\n')
    return finish(0, 1, 0, 1)
  }
  if (!selfTest && !existsSync(meshchatBin)) {
    process.stderr.write(`MESHCHAT_BIN=${meshchatBin} does not exist\n`)
    return finish(0, 1, 0, 1)
  }

  const { default: Mocha } = await import('mocha')
  const { createFactory, goCommand, killAllChildren } = await import('./factory.mjs')
  const { setFactory } = await import('./run-state.mjs')
  process.on('exit', killAllChildren)
  // The in-process daemon-servers handle SIGTERM/SIGINT without exiting; the run must still end.
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
    process.on(signal, () => {
      process.stderr.write(`official interop: ${signal}, stopping\n`)
      killAllChildren()
      process.exit(code)
    })
  }

  const interopVersion = JSON.parse(readFileSync(join(here, 'node_modules/@libp2p/interop/package.json'), 'utf8')).version
  const libp2pVersion = JSON.parse(readFileSync(join(here, 'node_modules/libp2p/package.json'), 'utf8')).version
  const command = goCommand({ selfTest, meshchatBin })
  setFactory(createFactory(command))

  const mocha = new Mocha({ timeout: MOCHA_TIMEOUT_MS, reporter: 'spec' })
  mocha.addFile(join(here, 'suites.mjs'))
  await mocha.loadFilesAsync()

  // Remove the excluded transports' connect tests, and what OFFICIAL_GREP leaves out.
  const excludedCounts = new Map()
  for (const [transport] of EXCLUDED_TRANSPORTS) excludedCounts.set(transport, 0)
  const grep = process.env.OFFICIAL_GREP ? new RegExp(process.env.OFFICIAL_GREP) : null
  let grepped = 0
  const keep = (suite) => {
    const transport = /^connection\.(.+)$/.exec(suite.title)?.[1]
    if (transport != null && excludedCounts.has(transport)) {
      excludedCounts.set(transport, excludedCounts.get(transport) + suite.tests.length)
      return false
    }
    if (grep != null && suite.tests.length > 0 && !suite.tests.some((t) => grep.test(t.fullTitle()))) {
      grepped += suite.tests.length
      return false
    }
    return true
  }
  mocha.suite.suites = mocha.suite.suites.filter(keep)
  const combinations = leafSuites(mocha.suite)

  const slot = selfTest
    ? 'fake-p2pd.mjs (OFFICIAL_SELF_TEST=1: a js stand-in; this checks the harness, not meshchat)'
    : `${meshchatBin} p2pd`
  process.stdout.write([
    `official libp2p interop: @libp2p/interop ${interopVersion}, 'js' slot js-libp2p ${libp2pVersion}, 'go' slot ${slot}`,
    `running: connect suite (tcp), dht suite, streams suite (echo): ${combinations.length} combinations`,
    ...EXCLUDED_SUITES.map(([name, why]) => `excluded: ${name} suite, not run: ${why}`),
    ...EXCLUDED_TRANSPORTS.map(([t, why]) => `excluded: connection.${t} (${excludedCounts.get(t)} tests), not run: ${why}`),
    ...(grep != null ? [`OFFICIAL_GREP=${grep.source}: ${grepped} tests left out`] : []),
    ''
  ].join('\n') + '\n')

  if (combinations.length === 0) {
    process.stderr.write('no combination to run\n')
    return finish(0, 1, 0, 1)
  }

  // Per-combination outcome: { state: 'passed' | 'failed' | 'skipped', reasons: [] }.
  const outcome = new Map(combinations.map((s) => [s, { state: null, reasons: [] }]))
  const fail = (suite, reason) => {
    const o = outcome.get(suite)
    if (o == null) return
    o.state = 'failed'
    o.reasons.push(reason)
  }

  await new Promise((resolve) => {
    const runner = mocha.run(resolve)
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants
    runner.on(EVENT_TEST_PASS, (test) => {
      const o = outcome.get(test.parent)
      if (o != null && o.state == null) o.state = 'passed'
    })
    runner.on(EVENT_TEST_PENDING, (test) => {
      const o = outcome.get(test.parent)
      if (o == null || o.state === 'failed') return
      if (involvesGo(test.title)) fail(test.parent, 'skipped, and a skip involving meshchat counts as a failure')
      else o.state = 'skipped'
    })
    runner.on(EVENT_TEST_FAIL, (runnable, err) => {
      const suite = runnable.parent
      const o = outcome.get(suite)
      const message = String(err?.message ?? err).split('\n')[0]
      // An unsupported configuration thrown in a plain before hook (streams suite): a skip for
      // js-vs-js, a failure when meshchat takes part.
      if (runnable.type === 'hook' && err?.name === 'UnsupportedError' && o != null &&
          !suite.tests.some((t) => involvesGo(t.title))) {
        if (o.state !== 'failed') o.state = 'skipped'
        return
      }
      fail(suite, `${runnable.type === 'hook' ? runnable.title : 'test'}: ${message}`)
    })
  })

  let passed = 0
  let failed = 0
  let skipped = 0
  const report = []
  for (const [suite, o] of outcome) {
    const title = `${suite.fullTitle()} › ${suite.tests.map((t) => t.title).join(', ')}`
    if (o.state == null) {
      o.state = 'failed'
      o.reasons.push('did not run')
    }
    if (o.state === 'passed') passed++
    else if (o.state === 'skipped') { skipped++; report.push(`SKIPPED ${title}`) } else {
      failed++
      report.push(`FAILED  ${title}: ${o.reasons.join('; ')}`)
    }
  }
  process.stdout.write('\n' + (report.length > 0 ? report.join('\n') + '\n' : ''))
  if (selfTest) process.stdout.write('note: OFFICIAL_SELF_TEST=1 ran js against js; meshchat was not tested\n')
  finish(passed, failed, skipped, failed === 0 && passed > 0 ? 0 : 1)
}

main().then(() => {
  // In-process js daemons may leave handles open; the run is over.
  process.exit()
}, (err) => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  finish(0, 1, 0, 1)
  process.exit()
})
