// Noise CipherState (noise/noise.md rev 34 §5.1) with ChaChaPoly (§12.3) over libsodium.
// The nonce is 4 zero bytes || the 64-bit counter little-endian; 2^64 - 1 is never used.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::p2p::noise {

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kTagSize = 16;
using CipherKey = std::array<std::uint8_t, kKeySize>;

// Calls sodium_init() once: libsodium only picks its SIMD ChaCha20 code there, and the
// reference code is several times slower. Throws on failure (a startup error).
void ensure_sodium();

// Move-only so that key material has one owner; the key is wiped on destruction.
class CipherState {
 public:
  // Noise reserves the all-ones nonce (for REKEY), so this is the first value never used.
  static constexpr std::uint64_t kNonceLimit = ~std::uint64_t{0};

  CipherState() = default;  // no key: encryption is the identity, as in the first XX message
  explicit CipherState(const CipherKey& key);
  CipherState(CipherState&& other) noexcept;
  CipherState& operator=(CipherState&& other) noexcept;
  CipherState(const CipherState&) = delete;
  CipherState& operator=(const CipherState&) = delete;
  ~CipherState();

  bool has_key() const { return has_key_; }
  std::uint64_t nonce() const { return nonce_; }
  // Noise SetNonce; lets tests reach the nonce limit.
  void set_nonce(std::uint64_t nonce) { nonce_ = nonce; }

  // Overhead a message gains: the tag once a key is set, nothing before.
  std::size_t overhead() const { return has_key_ ? kTagSize : 0; }

  // Writes plaintext.size() + overhead() bytes to `out`, which may alias `plaintext` exactly.
  Result<void> encrypt_with_ad(ByteView ad, ByteView plaintext, std::span<std::uint8_t> out);
  // Writes ciphertext.size() - overhead() bytes to `out`; nothing is written if the tag is wrong,
  // and the nonce only advances on success.
  Result<void> decrypt_with_ad(ByteView ad, ByteView ciphertext, std::span<std::uint8_t> out);

  // Convenience forms that append to `out`; on error `out` is unchanged.
  Result<void> encrypt_with_ad(ByteView ad, ByteView plaintext, Bytes& out);
  Result<void> decrypt_with_ad(ByteView ad, ByteView ciphertext, Bytes& out);

 private:
  void wipe() noexcept;
  CipherKey key_{};
  std::uint64_t nonce_ = 0;
  bool has_key_ = false;
};

}  // namespace meshchat::p2p::noise
