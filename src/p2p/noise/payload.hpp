// The libp2p Noise handshake payload (libp2p/noise/README.md "The libp2p Handshake Payload"):
// NoiseHandshakePayload { identity_key = 1; identity_sig = 2; NoiseExtensions extensions = 4 }.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::p2p::noise {

// A libp2p node offers a handful of muxers (yamux, mplex); this bounds a hostile list.
inline constexpr std::size_t kMaxStreamMuxers = 64;
// Far longer than any multistream-select protocol id, which is what a muxer name is.
inline constexpr std::size_t kMaxStreamMuxerBytes = 1024;
// A WebTransport server rotates through a few certificates (2 to 3 in practice).
inline constexpr std::size_t kMaxCerthashes = 16;
// A multihash of a SHA-512 digest is 66 bytes; room for any hash the multihash table has.
inline constexpr std::size_t kMaxCerthashBytes = 128;
// RSA-8192, the largest key go-libp2p and rust-libp2p accept, signs with 1024 bytes.
inline constexpr std::size_t kMaxIdentitySigBytes = 1024;

struct NoiseExtensions {
  std::vector<Bytes> webtransport_certhashes;  // field 1
  std::vector<std::string> stream_muxers;      // field 2, in the sender's order of preference
  bool operator==(const NoiseExtensions&) const = default;
};

struct HandshakePayload {
  std::optional<Bytes> identity_key;  // a libp2p PublicKey protobuf
  std::optional<Bytes> identity_sig;  // over "noise-libp2p-static-key:" || Noise static key
  std::optional<NoiseExtensions> extensions;
  bool operator==(const HandshakePayload&) const = default;
};

Bytes encode_payload(const HandshakePayload& payload);
// Unknown fields are skipped. A repeated non-repeated field keeps its last value and repeated
// `extensions` messages merge, as protobuf parsers do. Any malformation or limit is bad_payload.
Result<HandshakePayload> decode_payload(ByteView encoded);

}  // namespace meshchat::p2p::noise
