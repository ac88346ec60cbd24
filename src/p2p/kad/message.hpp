// Kademlia DHT (/ipfs/kad/1.0.0): the RPC Message protobuf with its Record and Peer.
// Spec: libp2p/specs kad-dht/README.md "RPC messages". The uvarint framing is core/length_prefixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/multiaddr_protocols.hpp"
#include "core/result.hpp"
#include "p2p/kad/error.hpp"

namespace meshchat::p2p::kad {

inline constexpr std::string_view kProtocolId = "/ipfs/kad/1.0.0";

// The largest legitimate message is a PUT_VALUE or GET_VALUE reply carrying a record of
// kMaxValueBytes, or a reply with full peer lists; both fit well within this. go-libp2p-kad-dht
// reads up to 4 MiB (network.MessageSizeMax), which lets one stream pin that much per request.
inline constexpr std::size_t kMaxMessageBytes = 256 * 1024;
// Replies carry the k = 20 closest peers; the margin admits peers configured with a larger k.
inline constexpr std::size_t kMaxPeersPerList = 64;
// A peer listens on a few interfaces times transports (see identify's kMaxListenAddrs); more is a
// peer inflating our peer store.
inline constexpr std::size_t kMaxAddressesPerPeer = 64;
// Keys are multihashes, CIDs, or "/pk/" and "/ipns/" followed by a PeerId: under 100 bytes.
inline constexpr std::size_t kMaxKeyBytes = 1024;
// IPNS records are capped at 10 KiB (ipns spec) and the largest public key (RSA-8192) is about
// 1 KiB; 64 KiB leaves room for other namespaces without letting a value dominate a message.
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;
// The longest PeerId is 44 bytes (identity multihash of a 42-byte key); the margin admits other
// hash functions, which the routing table then refuses.
inline constexpr std::size_t kMaxPeerIdBytes = 128;
// An address longer than this would be refused by Multiaddr::from_bytes anyway.
inline constexpr std::size_t kMaxAddressBytes = multiaddr::kMaxBytes;
// RFC 3339 with nanoseconds and a zone offset is 35 characters.
inline constexpr std::size_t kMaxTimeReceivedBytes = 64;

// The protobuf enum values; never renumber.
enum class MessageType : std::uint8_t {
  put_value = 0,
  get_value = 1,
  add_provider = 2,
  get_providers = 3,
  find_node = 4,
  ping = 5,  // deprecated by /ipfs/ping/1.0.0; still answered, never sent
};

// How the sender relates to a listed peer (advisory). The protobuf enum values; never renumber.
enum class ConnectionType : std::uint8_t {
  not_connected = 0,
  connected = 1,
  can_connect = 2,
  cannot_connect = 3,
};

struct PeerEntry {           // Message.Peer
  Bytes id;                  // 1: binary PeerId multihash, unparsed
  std::vector<Bytes> addrs;  // 2: binary multiaddrs, unparsed
  ConnectionType connection = ConnectionType::not_connected;  // 3
  bool operator==(const PeerEntry&) const = default;
};

struct Record {
  Bytes key;                  // 1
  Bytes value;                // 2
  std::string time_received;  // 5: RFC 3339, set by the receiver; empty = absent
  bool operator==(const Record&) const = default;
};

struct Message {
  MessageType type = MessageType::ping;   // 1: always written (see encode_body)
  Bytes key;                              // 2: empty = absent
  std::optional<Record> record;           // 3
  std::vector<PeerEntry> closer_peers;    // 8
  std::vector<PeerEntry> provider_peers;  // 9
  bool operator==(const Message&) const = default;
};

// The protobuf body, fields in field-number order. `type` is written even when it is PUT_VALUE
// (0), so that a reader tracking field presence (proto2, proto3 "optional") sees it; every reader
// accepts an explicit default. Empty byte and string fields and a not_connected connection are
// left out. Errors: any limit above exceeded (message_too_large, too_many_peers,
// too_many_addresses, key_too_large, value_too_large, peer_id_too_large, address_too_large,
// time_received_too_large), so that we never send what we would refuse ourselves.
Result<Bytes> encode_body(const Message& message);

// Decodes one protobuf body. Unknown fields (and clusterLevelRaw, 10) are skipped; a repeated
// scalar field keeps its last value and a repeated record merges, as protobuf requires. A missing
// type is PUT_VALUE (the proto3 default); an unknown connection is not_connected. Errors:
// protobuf::Error for malformed bytes or a known field with the wrong wire type,
// bad_message_type, and every limit above.
Result<Message> decode_body(ByteView body);

}  // namespace meshchat::p2p::kad
