// CIDv1: `<varint version = 1><varint content codec><multihash>`, in text with a multibase prefix.
// libp2p uses it for PeerIds in text (codec libp2p-key); spec: multiformats/cid,
// libp2p RFC 0001 "Text Peer Ids as CIDs", peer-ids/peer-ids.md "String representation".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/multibase.hpp"
#include "core/multihash.hpp"
#include "core/result.hpp"

namespace meshchat::cid {

inline constexpr std::uint64_t kVersion1 = 1;
// multicodec "libp2p-key": the multihash is a libp2p PeerId.
inline constexpr std::uint64_t kLibp2pKey = 0x72;

enum class Error {
  unsupported_version = 1,  // not CIDv1 (CIDv0 `Qm…` text/0x12 bytes, or a future version)
  truncated,                // the version or codec varint is cut off
  bad_varint,               // the version or codec varint is not minimal or above 63 bits
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::cid

MESHCHAT_REGISTER_ERROR_CODE(meshchat::cid::Error)

namespace meshchat {

class Cid {
 public:
  // `codec` is a multicodec code (below 2^63, as every varint).
  Cid(std::uint64_t codec, Multihash hash) : codec_(codec), hash_(std::move(hash)) {}

  // Binary CIDv1. Multihash errors pass through (multihash::Error).
  static Result<Cid> from_bytes(ByteView bytes);
  // Multibase text of a binary CIDv1; multibase and base errors pass through.
  static Result<Cid> parse(std::string_view text);

  std::uint64_t codec() const { return codec_; }
  const Multihash& hash() const { return hash_; }
  Bytes bytes() const;
  // base32 ('b…') unless told otherwise, the spec's default for CIDv1.
  std::string to_string(multibase::Base base = multibase::Base::base32) const;

  bool operator==(const Cid&) const = default;

 private:
  std::uint64_t codec_;
  Multihash hash_;
};

}  // namespace meshchat
