// libp2p keys (peer-ids/peer-ids.md "Keys"): the PublicKey/PrivateKey protobufs, signing,
// verifying. Ed25519 is implemented over libsodium; other key types are refused with
// unsupported_key_type.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/error.hpp"

namespace meshchat::crypto {

// The protobuf enum values; never renumber.
enum class KeyType : std::uint8_t { rsa = 0, ed25519 = 1, secp256k1 = 2, ecdsa = 3 };
std::string_view to_string(KeyType type);

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;
// No libp2p key protobuf is this large (RSA 8192 is ~1.1 KiB); bounds hostile input.
inline constexpr std::size_t kMaxKeyProtobufBytes = 8 * 1024;

class PublicKey {
 public:
  // Parses a libp2p PublicKey protobuf; strict (deterministic encoding, known type, valid key).
  static Result<PublicKey> from_protobuf(ByteView encoded);
  static Result<PublicKey> from_raw(KeyType type, ByteView data);

  KeyType type() const { return type_; }
  // The key's own encoding (the protobuf's Data field).
  const Bytes& data() const { return data_; }
  Bytes to_protobuf() const;
  // Ok if `signature` is this key's signature over `message`; bad_signature otherwise.
  Result<void> verify(ByteView message, ByteView signature) const;

  bool operator==(const PublicKey&) const = default;

 private:
  friend class PrivateKey;
  PublicKey(KeyType type, Bytes data) : type_(type), data_(std::move(data)) {}
  KeyType type_;
  Bytes data_;
};

// Secret key material is wiped on destruction.
class PrivateKey {
 public:
  static PrivateKey generate_ed25519();
  static PrivateKey ed25519_from_seed(std::span<const std::uint8_t, 32> seed);
  // Parses a libp2p PrivateKey protobuf (Ed25519: 64-byte or legacy 96-byte Data).
  static Result<PrivateKey> from_protobuf(ByteView encoded);

  PrivateKey(const PrivateKey& other);
  PrivateKey& operator=(const PrivateKey& other);
  PrivateKey(PrivateKey&& other) noexcept;
  PrivateKey& operator=(PrivateKey&& other) noexcept;
  ~PrivateKey();

  KeyType type() const { return type_; }
  const PublicKey& public_key() const { return public_key_; }
  Bytes to_protobuf() const;
  Bytes sign(ByteView message) const;

 private:
  PrivateKey(KeyType type, Bytes secret, PublicKey public_key)
      : type_(type), secret_(std::move(secret)), public_key_(std::move(public_key)) {}
  void wipe() noexcept;
  KeyType type_;
  Bytes secret_;  // Ed25519: libsodium's 64-byte secret key (seed || public key)
  PublicKey public_key_;
};

}  // namespace meshchat::crypto
