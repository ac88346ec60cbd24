// The js-libp2p 3.x node behind @libp2p/daemon-server that fills the suite's 'js' slot (in the
// test process, as js-libp2p's own interop runner does), and, with OFFICIAL_SELF_TEST=1, the
// 'go' slot too, through fake-p2pd.mjs in a child process.
import '../polyfill.mjs'
import { setMaxListeners } from 'node:events'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { createServer } from '@libp2p/daemon-server'
import { identify } from '@libp2p/identify'
import { UnsupportedError } from '@libp2p/interop'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { plaintext } from '@libp2p/plaintext'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { createLibp2p } from 'libp2p'

// The Kademlia protocol id meshchat's DHT speaks (the public "Amino" DHT's, and kad-dht's default).
const KAD_PROTOCOL = '/ipfs/kad/1.0.0'

// Every in-process daemon-server adds SIGTERM/SIGINT/SIGHUP listeners until it stops; a suite
// run holds a few at a time, which is no leak.
setMaxListeners(64, process)

// Starts a js-libp2p node and a daemon-server for it on `controlAddr` (a multiaddr object).
//   listen:      multiaddr strings the node listens on; [] for a node that only dials
//   encryptions: connection encrypters, in order of preference: 'noise' | 'tls' | 'plaintext'
//   muxer:       'yamux' (mplex is not installed here)
//   privateKey:  a @libp2p/crypto private key, or undefined for a fresh Ed25519 key
//   dht:         true adds a kad-dht service, which daemon-server finds as `services.dht`
// Options for layers this folder leaves out (pubsub, relay) throw UnsupportedError.
export async function startJsDaemon ({ controlAddr, listen, encryptions, muxer, privateKey, dht, pubsub, relay }) {
  if (pubsub === true) throw new UnsupportedError('js daemon: pubsub is not installed in this folder')
  if (relay === true) throw new UnsupportedError('js daemon: circuit relay is not installed in this folder')
  if (muxer != null && muxer !== 'yamux') throw new UnsupportedError(`js daemon: muxer ${muxer} is not installed in this folder`)

  const encrypters = encryptions.map((name) => {
    switch (name) {
      case 'noise': return noise()
      case 'tls': return tls()
      case 'plaintext': return plaintext()
      default: throw new UnsupportedError(`js daemon: unknown encryption ${name}`)
    }
  })

  const services = {
    identify: identify(),
    ping: ping()
  }
  if (dht === true) {
    services.dht = kadDHT({
      protocol: KAD_PROTOCOL,
      // kad-dht starts as a client and turns server only once it sees a public address of its
      // own, which a node on 127.0.0.1 never has; a client answers no DHT queries.
      clientMode: false,
      // The default mapper (removePrivateAddressesMapper) drops every 127.0.0.1 address, so
      // that no peer would enter the routing table or be returned by FIND_NODE/GET_PROVIDERS.
      peerInfoMapper: passthroughMapper
    })
  }

  const node = await createLibp2p({
    privateKey,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: encrypters,
    streamMuxers: [yamux()],
    services
  })

  const server = createServer(controlAddr, node)
  try {
    await server.start()
  } catch (err) {
    await node.stop().catch(() => {})
    throw err
  }
  return { node, server }
}
