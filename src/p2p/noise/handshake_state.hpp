// Noise HandshakeState (noise/noise.md rev 34 §5.3) for Noise_XX_25519_ChaChaPoly_SHA256, the one
// protocol libp2p's /noise uses. Keys are injected so that published test vectors replay exactly.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "p2p/noise/cipher_state.hpp"
#include "p2p/noise/symmetric_state.hpp"

namespace meshchat::p2p::noise {

inline constexpr std::string_view kProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";
// Noise caps every message at 65535 bytes (§3), which is also what a 2-byte length prefix holds.
inline constexpr std::size_t kMaxMessageSize = 65535;
inline constexpr std::size_t kDhSize = 32;            // DHLEN for 25519
inline constexpr std::size_t kHandshakeMessages = 3;  // XX: -> e; <- e, ee, s, es; -> s, se

using DhKey = std::array<std::uint8_t, kDhSize>;

enum class Role { initiator, responder };

// An X25519 key pair; the secret half is wiped on destruction.
struct KeyPair {
  DhKey secret{};
  DhKey public_key{};

  static KeyPair from_secret(const DhKey& secret);
  static KeyPair generate(Rng& rng);
  ~KeyPair();
};

class HandshakeState {
 public:
  // `ephemeral` stands in for GENERATE_KEYPAIR(), which XX calls exactly once per side.
  HandshakeState(Role role, ByteView prologue, const KeyPair& static_key, const KeyPair& ephemeral);

  Role role() const { return role_; }
  std::size_t message_index() const { return index_; }
  bool finished() const { return index_ == kHandshakeMessages; }
  // Whether the next message is ours to write (false once finished).
  bool my_turn() const;
  // The largest payload message `index` can carry within kMaxMessageSize.
  static std::size_t max_payload(std::size_t index);

  // Appends the next message carrying `payload` to `out`; on error `out` is unchanged.
  // Calling it on the peer's turn, or with a payload above max_payload(), is a bug (logic_error).
  Result<void> write_message(ByteView payload, Bytes& out);
  // Processes the peer's next message and returns its payload. Calling it on our turn is a bug.
  // After any error the state is unusable: the handshake has failed.
  Result<Bytes> read_message(ByteView message);

  const DhKey& local_static() const { return static_key_.public_key; }
  // The peer's static key, once its `s` token has been read.
  const std::optional<DhKey>& remote_static() const { return remote_static_; }
  const HashValue& handshake_hash() const { return symmetric_.handshake_hash(); }
  // Split() after the last message: {initiator-to-responder, responder-to-initiator}.
  std::pair<CipherState, CipherState> split() const;

 private:
  Result<void> mix_dh(const KeyPair& local, const std::optional<DhKey>& remote);

  Role role_;
  std::size_t index_ = 0;
  SymmetricState symmetric_;
  KeyPair static_key_;
  KeyPair ephemeral_;
  std::optional<DhKey> remote_static_;
  std::optional<DhKey> remote_ephemeral_;
};

}  // namespace meshchat::p2p::noise
