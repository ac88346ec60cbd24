// Ed25519 (peer-ids.md "Ed25519") over libsodium: public Data is the 32-byte key, private Data is
// seed || public key (64 bytes; the legacy 96-byte form repeats the public key).
#include <sodium.h>

#include <array>
#include <stdexcept>
#include <string>

#include "crypto/key_types.hpp"
#include "crypto/keys.hpp"

namespace meshchat::crypto::detail::ed25519 {

namespace {

constexpr std::size_t kSeedSize = 32;
constexpr std::size_t kSecretSize = kSeedSize + kEd25519PublicKeySize;
// Older libp2p code wrote seed || public || public (peer-ids.md "Ed25519").
constexpr std::size_t kLegacySecretSize = kSecretSize + kEd25519PublicKeySize;

[[noreturn]] void sodium_failed(const char* what) {
  throw std::runtime_error(std::string("libsodium: ") + what);
}

}  // namespace

Result<Bytes> parse_public(ByteView data) {
  if (data.size() != kEd25519PublicKeySize) return fail(Error::bad_key);
  return Bytes(data.begin(), data.end());
}

KeyPair from_seed(std::span<const std::uint8_t, 32> seed) {
  KeyPair pair;
  pair.secret.resize(crypto_sign_SECRETKEYBYTES);
  pair.public_data.resize(crypto_sign_PUBLICKEYBYTES);
  if (crypto_sign_seed_keypair(pair.public_data.data(), pair.secret.data(), seed.data()) != 0) {
    sodium_failed("crypto_sign_seed_keypair");
  }
  return pair;
}

Result<KeyPair> parse_private(ByteView data) {
  if (data.size() == kLegacySecretSize) {
    // The two copies of the public key must agree; then it is the 64-byte form.
    if (sodium_memcmp(data.data() + kSecretSize - kEd25519PublicKeySize, data.data() + kSecretSize,
                      kEd25519PublicKeySize) != 0) {
      return fail(Error::bad_key);
    }
    data = data.first(kSecretSize);
  }
  if (data.size() != kSecretSize) return fail(Error::bad_key);
  KeyPair pair = from_seed(std::span<const std::uint8_t, kSeedSize>(data.data(), kSeedSize));
  // The stored public half must be the one the seed derives.
  if (sodium_memcmp(pair.public_data.data(), data.data() + kSeedSize, kEd25519PublicKeySize) != 0) {
    return fail(Error::bad_key);
  }
  return pair;
}

KeyPair generate() {
  std::array<std::uint8_t, kSeedSize> seed;
  randombytes_buf(seed.data(), seed.size());
  KeyPair pair = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

Bytes sign(ByteView secret, ByteView message) {
  Bytes signature(crypto_sign_BYTES);
  if (crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                           secret.data()) != 0) {
    sodium_failed("crypto_sign_detached");
  }
  return signature;
}

Result<void> verify(ByteView public_data, ByteView message, ByteView signature) {
  if (signature.size() != kEd25519SignatureSize) return fail(Error::bad_signature);
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  public_data.data()) != 0) {
    return fail(Error::bad_signature);
  }
  return {};
}

}  // namespace meshchat::crypto::detail::ed25519
