// identify (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0): the Identify protobuf and its uvarint framing.
// Spec: libp2p/specs identify/README.md. Addresses and keys stay raw bytes; the host parses them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/identify/error.hpp"

namespace meshchat::p2p::identify {

inline constexpr std::string_view kProtocolId = "/ipfs/id/1.0.0";
inline constexpr std::string_view kPushProtocolId = "/ipfs/id/push/1.0.0";

// go-libp2p (signedIDSize) and js-libp2p (MAX_IDENTIFY_MESSAGE_SIZE) accept 8 KiB. rust-libp2p's
// 4 KiB would refuse what those peers legitimately send: the signed peer record repeats every
// listen address, so a well-connected peer's message passes 4 KiB.
inline constexpr std::size_t kMaxMessageBytes = 8 * 1024;
// go-libp2p sends a large identify as several messages (the signed peer record apart) that the
// reader merges; go and js read at most 10 per stream.
inline constexpr std::size_t kMaxMessages = 10;
// Several interfaces times IPv4/IPv6 times TCP/QUIC/WebTransport plus relay circuits is a few
// dozen; more is a peer inflating our peer store.
inline constexpr std::size_t kMaxListenAddrs = 128;
// Busy nodes (Kubo) advertise 20 to 40 protocols; the cap stops a peer from making each
// protocol lookup on it expensive.
inline constexpr std::size_t kMaxProtocols = 256;

struct Identify {
  std::optional<Bytes> public_key;              // 1: PublicKey protobuf (peer-ids spec)
  std::vector<Bytes> listen_addrs;              // 2: binary multiaddrs
  std::vector<std::string> protocols;           // 3
  std::optional<Bytes> observed_addr;           // 4: binary multiaddr of our side, as they see it
  std::optional<std::string> protocol_version;  // 5
  std::optional<std::string> agent_version;     // 6
  std::optional<Bytes> signed_peer_record;      // 8: signed envelope (RFC 0003)

  bool operator==(const Identify&) const = default;
};

// The protobuf body, fields in field-number order. Errors: message_too_large,
// too_many_listen_addrs, too_many_protocols, so that we never send what peers refuse.
Result<Bytes> encode_body(const Identify& message);
// The body with its uvarint length prefix, as written on the stream.
Result<Bytes> encode(const Identify& message);

// Decodes one protobuf body. Unknown fields are skipped; a repeated optional field keeps its
// last value (protobuf rules). Errors: protobuf::Error for malformed bytes or a known field
// with the wrong wire type, message_too_large, too_many_listen_addrs, too_many_protocols.
Result<Identify> decode_body(ByteView body);

// Protobuf merge of the next message of the same stream into `into`: optional fields present
// in `part` replace, repeated fields append. Counts are not checked here.
void merge_part(Identify& into, Identify part);

// Applies an identify push to what we stored: each field present in `push` replaces ours.
// Protobuf cannot tell an empty repeated field from a missing one, so an empty list keeps ours,
// as the spec's "missing fields should be ignored" asks.
void apply_push(Identify& stored, const Identify& push);

// Errors: too_many_listen_addrs, too_many_protocols.
Result<void> check_counts(const Identify& message);

}  // namespace meshchat::p2p::identify
