// PeerId (peer-ids/peer-ids.md "Peer Ids"): the multihash of a PublicKey protobuf, identity-hashed
// when the encoding is at most 42 bytes, else sha2-256. Text: base58btc or CIDv1 (libp2p-key).
#pragma once

#include <compare>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace meshchat::crypto {

// Keys whose protobuf is at most this long are inlined with the identity multihash.
inline constexpr std::size_t kMaxInlineKeyLength = 42;

class PeerId {
 public:
  static PeerId from_public_key(const PublicKey& key);
  // Parses the binary multihash form (as in a /p2p/ multiaddr or identify).
  static Result<PeerId> from_bytes(ByteView multihash);
  // Parses `12D3KooW…`/`Qm…` (base58btc multihash) or a multibase CIDv1 with codec libp2p-key.
  static Result<PeerId> parse(std::string_view text);

  const Bytes& bytes() const { return multihash_; }
  std::string to_base58() const;
  std::string to_cid() const;  // base32 CIDv1, `bafzaa…`
  // The inlined public key of an identity-hashed PeerId, if any.
  std::optional<PublicKey> public_key() const;
  // Ok if `key` hashes to this PeerId, else peer_id_mismatch.
  Result<void> matches(const PublicKey& key) const;

  auto operator<=>(const PeerId&) const = default;
  bool operator==(const PeerId&) const = default;

 private:
  explicit PeerId(Bytes multihash) : multihash_(std::move(multihash)) {}
  Bytes multihash_;
};

}  // namespace meshchat::crypto

template <>
struct std::hash<meshchat::crypto::PeerId> {
  std::size_t operator()(const meshchat::crypto::PeerId& id) const noexcept {
    return std::hash<std::string_view>{}(meshchat::as_string(id.bytes()));
  }
};
