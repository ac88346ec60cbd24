// The spec file run.mjs hands to mocha: the suite's connect, dht and streams tests over the
// factory that run.mjs configured. The pubsub and relay suites are not loaded (see run.mjs).
import { connectInteropTests, dhtInteropTests, streamInteropTests } from '@libp2p/interop'
import { factory } from './run-state.mjs'

connectInteropTests(factory())
await dhtInteropTests(factory())
await streamInteropTests(factory())
