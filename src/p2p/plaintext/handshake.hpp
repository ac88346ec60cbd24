// `/plaintext/2.0.0` handshake, sans-IO (libp2p/specs plaintext/README.md "Protocol"): both
// sides send a varint-delimited Exchange at once and check the one they receive.
#pragma once

#include <optional>

#include "p2p/plaintext/exchange.hpp"

namespace meshchat::p2p::plaintext {

struct HandshakeResult {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  // Bytes that followed the peer's Exchange: the start of the (unencrypted) connection data.
  Bytes leftover;
};

// The same shape as noise::Handshake. Our Exchange is ready in take_output() from construction;
// done() once the peer's Exchange has arrived (or the handshake failed).
// Documented errors from feed(): too_large, the errors of decode_exchange(), varint::Error
// overflow and not_minimal for the prefix, and crypto::Error::peer_id_mismatch ("peer id
// mismatch") when the peer is not `expected_remote`. Errors are sticky.
class Handshake {
 public:
  // `expected_remote`: the PeerId being dialled (the dialer checks it; a listener passes none).
  Handshake(const crypto::PrivateKey& identity, std::optional<crypto::PeerId> expected_remote);

  // Any chunking; bytes after the peer's Exchange are kept for leftover.
  Result<void> feed(ByteView bytes);
  Bytes take_output() { return std::exchange(output_, {}); }
  bool done() const { return result_.has_value() || error_ || finished_; }
  // Once done(): the result (moved out; a second call is a bug) or the failure. Before done(),
  // at the end of the channel: truncated.
  Result<HandshakeResult> finish();

 private:
  Result<void> fail_with(std::error_code e);

  std::optional<crypto::PeerId> expected_remote_;
  Bytes input_;
  Bytes output_;
  std::optional<HandshakeResult> result_;
  std::error_code error_;
  bool finished_ = false;
};

}  // namespace meshchat::p2p::plaintext
