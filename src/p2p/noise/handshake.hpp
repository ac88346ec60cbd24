// The libp2p Noise handshake, protocol id `/noise` (libp2p/noise/README.md, with early stream
// muxer negotiation from libp2p/connections/inlined-muxer-negotiation.md). Sans-IO.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/noise/handshake_state.hpp"
#include "p2p/noise/transport.hpp"

namespace meshchat::p2p::noise {

inline constexpr std::string_view kProtocolId = "/noise";
// Signed with the identity key together with the Noise static public key.
inline constexpr std::string_view kStaticKeySignaturePrefix = "noise-libp2p-static-key:";

struct HandshakeResult {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  // Agreed by early muxer negotiation; nullopt if either side offered none, in which case the
  // muxer is negotiated with multistream-select after the handshake.
  std::optional<std::string> muxer;
  SecureTransport transport;
  // Transport ciphertext that arrived with the last handshake message; decrypt it first.
  Bytes leftover;
};

// XX handshake state machine:
//   initiator: -> e                  (ready after construction)
//   responder: <- e, ee, s, es, payload(identity, responder muxers)
//   initiator: -> s, se, payload(identity, initiator muxers)
// Documented errors from feed(): every noise::Error, and crypto::Error unsupported_key_type,
// bad_key, bad_key_protobuf and bad_signature for the peer's identity. After an error the
// handshake is over and feed() keeps returning that error.
class Handshake {
 public:
  // `muxers` in order of preference (may be empty). `expected_remote` is the PeerId being dialled
  // (initiator) or an allow-listed one (responder). Throws std::logic_error if the muxer list
  // makes a handshake message exceed 65535 bytes.
  Handshake(Role role, const crypto::PrivateKey& identity, std::vector<std::string> muxers,
            std::optional<crypto::PeerId> expected_remote, Rng& rng);

  // Accepts the peer's bytes in any chunking; partial frames are buffered. Bytes after the final
  // handshake message, in this call or later ones before finish(), go to leftover().
  Result<void> feed(ByteView bytes);
  // Length-prefixed frames to send, in order.
  Bytes take_output();
  bool done() const { return result_.has_value() || finished_; }
  // Once done(): moves the result out (a second call is a bug, as is calling before done()).
  // After a failure it returns that failure.
  Result<HandshakeResult> finish();
  // Bytes fed after the final handshake message (also moved into HandshakeResult::leftover).
  ByteView leftover() const;

 private:
  Result<void> on_message(ByteView message);
  Result<void> send(ByteView payload);
  Result<void> authenticate(ByteView payload);
  void complete(std::optional<std::string> muxer);

  Role role_;
  std::vector<std::string> muxers_;
  std::optional<crypto::PeerId> expected_remote_;
  Bytes payload_;  // our encoded payload, sent in message 2 or 3
  HandshakeState state_;
  Bytes input_;
  Bytes output_;
  std::error_code failed_;
  // Filled in by authenticate() from the peer's payload.
  std::optional<crypto::PublicKey> remote_key_;
  std::optional<crypto::PeerId> remote_peer_;
  std::vector<std::string> remote_muxers_;
  std::optional<HandshakeResult> result_;
  bool finished_ = false;  // finish() has moved the result out
};

// The muxer both sides use: the first of the initiator's list that the responder also lists;
// nullopt if either list is empty; no_common_muxer if both are non-empty and disjoint.
Result<std::optional<std::string>> select_muxer(const std::vector<std::string>& initiator,
                                                const std::vector<std::string>& responder);

}  // namespace meshchat::p2p::noise
