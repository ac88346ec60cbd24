// The spec file run.mjs hands to mocha: the suite's connect and streams tests over the factory
// that run.mjs configured. The dht, pubsub and relay suites are not loaded (see run.mjs).
import { connectInteropTests, streamInteropTests } from '@libp2p/interop'
import { factory } from './run-state.mjs'

connectInteropTests(factory())
await streamInteropTests(factory())
