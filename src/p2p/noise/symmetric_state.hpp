// Noise SymmetricState (noise/noise.md rev 34 §5.2) with SHA256 (§12.5) and its HKDF (§4.3).
// Holds the chaining key, the handshake hash and the CipherState of a handshake in progress.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/noise/cipher_state.hpp"

namespace meshchat::p2p::noise {

inline constexpr std::size_t kHashSize = 32;  // HASHLEN for SHA256
using HashValue = std::array<std::uint8_t, kHashSize>;

// HMAC-SHA256 over the concatenation of `parts` (RFC 2104), keyed by a HASHLEN key.
HashValue hmac_sha256(const HashValue& key, std::initializer_list<ByteView> parts);

// Noise HKDF(chaining_key, input_key_material) with two outputs (three are only for PSKs).
std::pair<HashValue, HashValue> hkdf2(const HashValue& chaining_key, ByteView input_key_material);

class SymmetricState {
 public:
  explicit SymmetricState(std::string_view protocol_name);
  ~SymmetricState();
  SymmetricState(SymmetricState&&) = default;
  SymmetricState& operator=(SymmetricState&&) = default;

  void mix_key(ByteView input_key_material);
  void mix_hash(ByteView data);
  bool has_key() const { return cipher_.has_key(); }
  // Bytes EncryptAndHash adds to a plaintext (the tag once a key is mixed in).
  std::size_t overhead() const { return cipher_.overhead(); }
  // Append to `out`; on error `out` is unchanged.
  Result<void> encrypt_and_hash(ByteView plaintext, Bytes& out);
  Result<void> decrypt_and_hash(ByteView ciphertext, Bytes& out);
  // Split(): the initiator-to-responder and responder-to-initiator CipherStates.
  std::pair<CipherState, CipherState> split() const;
  const HashValue& handshake_hash() const { return h_; }

 private:
  HashValue ck_{};
  HashValue h_{};
  CipherState cipher_;
};

}  // namespace meshchat::p2p::noise
