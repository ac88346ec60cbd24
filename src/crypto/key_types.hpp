// The per-key-type halves of keys.hpp: parse, generate, sign and verify one libp2p key type's
// Data encodings (peer-ids.md "Key Types"). keys.cpp dispatches on KeyType; nothing else uses
// these.
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/error.hpp"

namespace meshchat::crypto::detail {

// Overwrites `secret` with zeros in a way the optimiser cannot drop.
void wipe(Bytes& secret) noexcept;

// A validated private key: its canonical private Data and the public Data it derives.
// The private half is wiped when this goes away.
struct KeyPair {
  KeyPair() = default;
  KeyPair(KeyPair&&) noexcept = default;
  KeyPair& operator=(KeyPair&&) noexcept = default;
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;
  ~KeyPair() { wipe(secret); }

  Bytes secret;
  Bytes public_data;
};

// Each namespace below implements one key type with the same five functions:
//   parse_public(data)   -> the canonical public Data, or bad_key
//   parse_private(data)  -> the canonical key pair, or bad_key; a Data that is valid but not in
//                           its canonical form is refused, so one key has one encoding
//   generate()           -> a fresh key pair (throws std::runtime_error if the library fails)
//   sign(secret, msg)    -> a signature; `secret` came from parse_private or generate
//   verify(pub, msg, sig)-> ok, or bad_signature; `pub` came from parse_public
// No function leaves an OpenSSL error on the thread's error queue.

namespace ed25519 {
Result<Bytes> parse_public(ByteView data);
Result<KeyPair> parse_private(ByteView data);
KeyPair generate();
KeyPair from_seed(std::span<const std::uint8_t, 32> seed);
Bytes sign(ByteView secret, ByteView message);
Result<void> verify(ByteView public_data, ByteView message, ByteView signature);
}  // namespace ed25519

namespace rsa {
Result<Bytes> parse_public(ByteView data);
Result<KeyPair> parse_private(ByteView data);
KeyPair generate();
Bytes sign(ByteView secret, ByteView message);
Result<void> verify(ByteView public_data, ByteView message, ByteView signature);
}  // namespace rsa

namespace secp256k1 {
Result<Bytes> parse_public(ByteView data);
Result<KeyPair> parse_private(ByteView data);
KeyPair generate();
Bytes sign(ByteView secret, ByteView message);
Result<void> verify(ByteView public_data, ByteView message, ByteView signature);
}  // namespace secp256k1

namespace ecdsa {
Result<Bytes> parse_public(ByteView data);
Result<KeyPair> parse_private(ByteView data);
KeyPair generate();
Bytes sign(ByteView secret, ByteView message);
Result<void> verify(ByteView public_data, ByteView message, ByteView signature);
}  // namespace ecdsa

}  // namespace meshchat::crypto::detail
