// The multiaddr protocol table and the text/binary codec of each protocol's value.
// Spec: multiformats/multiaddr README.md and protocols.csv (codes and sizes); the value formats
// follow go-multiaddr's transcoders, which js-libp2p and rust-libp2p agree with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat {

// Codes from protocols.csv. Enumerators use the spec's names with '-' as '_'.
enum class Protocol : std::uint32_t {
  ip4 = 4,
  tcp = 6,
  ip6 = 41,
  ip6zone = 42,  // RFC 4007 zone, before an /ip6
  dns = 53,
  dns4 = 54,
  dns6 = 55,
  dnsaddr = 56,
  udp = 273,
  webrtc_direct = 280,
  webrtc = 281,
  p2p_circuit = 290,
  unix_socket = 400,  // "unix"; the C++ name avoids the `unix` macro of GNU modes
  p2p = 421,          // also read as "ipfs", its old name
  tls = 448,
  sni = 449,
  quic = 460,
  quic_v1 = 461,
  webtransport = 465,
  certhash = 466,
  ws = 477,
  wss = 478,
};

}  // namespace meshchat

namespace meshchat::multiaddr {

// A whole binary multiaddr. Real addresses are under 200 bytes (a relayed address with two PeerIds
// and certhashes); 1 KiB bounds what a peer can make us store per address.
inline constexpr std::size_t kMaxBytes = 1024;
// Text is at most 7 times the binary size (/webrtc-direct: 14 characters for a 2-byte code), so
// every multiaddr within kMaxBytes prints within this.
inline constexpr std::size_t kMaxTextLength = 8 * kMaxBytes;
// A DNS name is at most 255 bytes on the wire (RFC 1035 §3.1); used for every name-like value.
inline constexpr std::size_t kMaxNameLength = 255;

enum class Error {
  empty = 1,         // no components: empty text, "/" or no bytes
  too_long,          // above kMaxBytes (binary, also after parsing text) or kMaxTextLength
  bad_syntax,        // text not starting with '/', or an empty protocol name ("//")
  unknown_protocol,  // a protocol name or code not in the table
  missing_value,     // text ends, or has an empty segment, where a value is required
  bad_value,         // a value malformed for its protocol (address, port, name, peer id, hash)
  truncated,         // binary ends inside a code, a length or a value
  bad_varint,        // binary code or length varint not minimal or above 63 bits
  path_not_last,     // a path protocol (/unix) followed by more: its text would swallow them
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// How a protocol's value is encoded.
enum class ValueKind : std::uint8_t {
  none,      // no value
  ip4,       // 4 bytes; dotted quad
  ip6,       // 16 bytes; RFC 5952 text (inet_ntop)
  port,      // 2 bytes big-endian; decimal 0..65535
  name,      // length-prefixed UTF-8 without '/'; the text as is (dns*, sni, ip6zone)
  path,      // length-prefixed, starts with '/'; the rest of the text (unix)
  p2p,       // length-prefixed multihash; base58btc, or a CIDv1 (libp2p-key) when parsing
  certhash,  // length-prefixed multihash; multibase (printed as base64url)
};

struct ProtocolInfo {
  Protocol protocol;
  std::string_view name;
  ValueKind kind;
};

// nullptr for codes and names not in the table. "ipfs" finds p2p.
const ProtocolInfo* find_protocol(std::uint64_t code);
const ProtocolInfo* find_protocol(std::string_view name);
// The protocol's name, "" for a value not in the table.
std::string_view to_string(Protocol protocol);

// Bytes of a value that is not length-prefixed: 0, 4, 16 or 2; nullopt for length-prefixed ones.
std::optional<std::size_t> fixed_value_size(ValueKind kind);
// bad_value unless `value` is a valid binary value for `kind`.
Result<void> check_value(ValueKind kind, ByteView value);
// Parses a value's text (for `path`, the rest of the multiaddr from its '/').
Result<Bytes> value_from_text(ValueKind kind, std::string_view text);
// The text of a value that passed check_value.
std::string value_to_text(ValueKind kind, ByteView value);

}  // namespace meshchat::multiaddr

MESHCHAT_REGISTER_ERROR_CODE(meshchat::multiaddr::Error)
