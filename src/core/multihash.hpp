// multihash: `<varint hash code><varint digest length><digest>`.
// Spec: multiformats/multihash; codes from multiformats/multicodec table.csv. Only the framing is
// here: computing digests is crypto's job (crypto/hash.hpp), so core stays free of crypto.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::multihash {

inline constexpr std::uint64_t kIdentity = 0x00;  // the "digest" is the data itself
inline constexpr std::uint64_t kSha2_256 = 0x12;
inline constexpr std::size_t kSha2_256Size = 32;
// Twice the longest common digest (sha2-512, blake2b-512: 64 bytes); leaves room for identity
// hashes of short data such as inlined libp2p keys (at most 42 bytes), and bounds hostile input.
inline constexpr std::size_t kMaxDigestSize = 128;

enum class Error {
  truncated = 1,    // input ended inside the code, the length or the digest
  bad_varint,       // the code or length varint is not minimal or above 63 bits
  digest_too_long,  // declared digest length above kMaxDigestSize
  trailing_bytes,   // bytes after the digest
  wrong_length,     // a digest length the hash function cannot produce (sha2-256 not 32)
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::multihash

MESHCHAT_REGISTER_ERROR_CODE(meshchat::multihash::Error)

namespace meshchat {

// A well-formed multihash. Codes other than identity and sha2-256 are accepted generically (any
// digest length up to the limit); sha2-256 digests must be 32 bytes.
class Multihash {
 public:
  // Exactly one multihash, nothing after it.
  static Result<Multihash> from_bytes(ByteView bytes);
  // Fails with digest_too_long or wrong_length as from_bytes would.
  static Result<Multihash> create(std::uint64_t code, ByteView digest);
  // The identity multihash of `data` (at most kMaxDigestSize bytes, else digest_too_long).
  static Result<Multihash> identity(ByteView data);
  static Multihash sha2_256(std::span<const std::uint8_t, multihash::kSha2_256Size> digest);

  std::uint64_t code() const { return code_; }
  ByteView digest() const { return ByteView(bytes_).subspan(digest_offset_); }
  // The whole encoding: code, length, digest.
  const Bytes& bytes() const { return bytes_; }

  bool operator==(const Multihash& other) const { return bytes_ == other.bytes_; }

 private:
  Multihash(std::uint64_t code, std::size_t digest_offset, Bytes bytes)
      : code_(code), digest_offset_(digest_offset), bytes_(std::move(bytes)) {}
  std::uint64_t code_;
  std::size_t digest_offset_;
  Bytes bytes_;
};

}  // namespace meshchat
