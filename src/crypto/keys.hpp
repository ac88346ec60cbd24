// libp2p keys (peer-ids/peer-ids.md "Keys"): the PublicKey/PrivateKey protobufs, signing and
// verifying for Ed25519 (libsodium), RSA and ECDSA P-256 (OpenSSL 3), Secp256k1 (libsecp256k1).
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
// Smaller RSA keys are refused: they can be factored (go-libp2p MinRsaKeyBits).
inline constexpr std::size_t kMinRsaKeyBits = 2048;
// Larger RSA keys are refused: each verification costs time quadratic in the modulus, and no
// libp2p implementation makes them (go-libp2p maxRsaKeyBits).
inline constexpr std::size_t kMaxRsaKeyBits = 8192;
// The longest signature of any accepted key (RSA-8192); longer input is refused unread.
inline constexpr std::size_t kMaxSignatureBytes = kMaxRsaKeyBits / 8;
// Bounds hostile input. The largest valid key protobuf is an 8192-bit RSA private key, about
// 4.7 KiB (at most ~5.2 KiB with unbalanced primes; keys_rsa.cpp checks it fits).
inline constexpr std::size_t kMaxKeyProtobufBytes = 8 * 1024;

class PublicKey {
 public:
  // Parses a libp2p PublicKey protobuf; strict (deterministic encoding, known type, valid key).
  // Errors: bad_key_protobuf, unsupported_key_type (a Type beyond ECDSA), bad_key.
  static Result<PublicKey> from_protobuf(ByteView encoded);
  // Validates `data` as a key of `type` (bad_key if it is not). DER keys (RSA, ECDSA) must be in
  // their one DER encoding; RSA needs 2048 to 8192 bits, ECDSA the P-256 curve. A Secp256k1 key
  // may arrive uncompressed and is then held compressed, as go-libp2p does, so data() and
  // the PeerId are those of the compressed form.
  static Result<PublicKey> from_raw(KeyType type, ByteView data);

  KeyType type() const { return type_; }
  // The key's own encoding (the protobuf's Data field).
  const Bytes& data() const { return data_; }
  Bytes to_protobuf() const;
  // Ok if `signature` is this key's signature over `message`; bad_signature otherwise.
  // Ed25519: RFC 8032. RSA: RSASSA-PKCS1-v1_5 over SHA-256. Secp256k1 and ECDSA: strict DER
  // ECDSA over SHA-256, either s or n - s.
  Result<void> verify(ByteView message, ByteView signature) const;

  bool operator==(const PublicKey&) const = default;

 private:
  friend class PrivateKey;
  PublicKey(KeyType type, Bytes data) : type_(type), data_(std::move(data)) {}
  KeyType type_;
  Bytes data_;
};

// Secret key material is wiped on destruction. Nothing here prints or logs it; to_protobuf() is
// the only way out, for the key file.
class PrivateKey {
 public:
  // A fresh key from the system CSPRNG; RSA keys have kMinRsaKeyBits, ECDSA ones use P-256.
  // Throws std::runtime_error only if the crypto library fails.
  static PrivateKey generate(KeyType type);
  static PrivateKey generate_ed25519();
  static PrivateKey ed25519_from_seed(std::span<const std::uint8_t, 32> seed);
  // Parses a libp2p PrivateKey protobuf. Data: Ed25519 64-byte seed || public (or the legacy
  // 96-byte form); RSA DER PKCS#1; Secp256k1 the 32-byte scalar; ECDSA DER SEC1 ECPrivateKey
  // on P-256 with curve and public key included. Keys must be consistent and, for DER, in their
  // canonical encoding. Errors as PublicKey::from_protobuf.
  static Result<PrivateKey> from_protobuf(ByteView encoded);

  PrivateKey(const PrivateKey& other);
  PrivateKey& operator=(const PrivateKey& other);
  PrivateKey(PrivateKey&& other) noexcept;
  PrivateKey& operator=(PrivateKey&& other) noexcept;
  ~PrivateKey();

  KeyType type() const { return type_; }
  const PublicKey& public_key() const { return public_key_; }
  Bytes to_protobuf() const;
  // Ed25519, Secp256k1 (RFC 6979, low-S) and RSA (PKCS#1 v1.5) signatures are deterministic;
  // ECDSA P-256 ones are randomised.
  Bytes sign(ByteView message) const;

 private:
  PrivateKey(KeyType type, Bytes secret, PublicKey public_key)
      : type_(type), secret_(std::move(secret)), public_key_(std::move(public_key)) {}
  void wipe() noexcept;
  KeyType type_;
  // The protobuf's Data. For Ed25519 that is also libsodium's secret key (seed || public key).
  Bytes secret_;
  PublicKey public_key_;
};

}  // namespace meshchat::crypto
