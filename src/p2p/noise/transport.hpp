// The /noise transport phase (libp2p/noise/README.md "Encryption and I/O"): length-prefixed
// ChaChaPoly frames in each direction after the handshake. Pure: bytes in, bytes out.
#pragma once

#include <cstddef>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/noise/cipher_state.hpp"
#include "p2p/noise/frame.hpp"

namespace meshchat::p2p::noise {

class SecureTransport {
 public:
  // The most plaintext one frame carries: a Noise message is at most 65535 bytes with its tag.
  static constexpr std::size_t kMaxPlaintext = kMaxMessageSize - kTagSize;

  SecureTransport(CipherState send, CipherState receive);

  // Encrypts `plaintext` into ceil(size / kMaxPlaintext) frames appended to `out` (none for an
  // empty plaintext). Fails only with nonce_exhausted, after 2^64 - 1 frames; `out` then keeps
  // the frames encrypted before it and the connection must close. `plaintext` must not point
  // into `out`, which is resized once.
  Result<void> encrypt(ByteView plaintext, Bytes& out);

  // Consumes ciphertext in any chunking and appends the plaintext of every complete frame to
  // `out`, buffering a partial frame. On bad_frame, decrypt_failed or nonce_exhausted, `out` holds
  // the frames before the bad one, and every later call returns the same error: the connection
  // must close.
  Result<void> decrypt(ByteView ciphertext, Bytes& out);

  // Bytes of an incomplete frame held for the next decrypt() call.
  std::size_t buffered() const { return partial_.size(); }

 private:
  Result<void> decrypt_frames(ByteView& in, Bytes& out);
  Result<void> open(ByteView message, std::uint8_t* out);

  CipherState send_;
  CipherState receive_;
  Bytes partial_;
  std::error_code failed_;
};

}  // namespace meshchat::p2p::noise
