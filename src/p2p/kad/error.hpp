// Errors of the Kademlia DHT (/ipfs/kad/1.0.0): message decoding and record validation.
// Spec: libp2p/specs kad-dht/README.md. Values are stable; never renumber, only append.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::kad {

enum class Error {
  message_too_large = 1,    // a body (or a message to encode) above kMaxMessageBytes
  too_many_peers,           // more than kMaxPeersPerList closerPeers or providerPeers
  too_many_addresses,       // a Peer with more than kMaxAddressesPerPeer addrs
  bad_message_type,         // a MessageType above PING (5)
  missing_key,              // a request that needs a key (all but PING) has none
  key_too_large,            // Message.key or Record.key above kMaxKeyBytes
  value_too_large,          // Record.value above kMaxValueBytes
  unsupported_namespace,    // a record key outside the namespaces we validate ("/pk/")
  invalid_record,           // a record value malformed for its namespace, or no value at all
  key_mismatch,             // a record value that does not belong to its key
  peer_id_too_large,        // a Peer id above kMaxPeerIdBytes
  address_too_large,        // a Peer address above kMaxAddressBytes
  time_received_too_large,  // Record.timeReceived above kMaxTimeReceivedBytes
  // Routing and lookup errors follow here.
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::kad

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::kad::Error)
