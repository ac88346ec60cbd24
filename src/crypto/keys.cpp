#include "crypto/keys.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/protobuf.hpp"

namespace meshchat::crypto {

namespace {

constexpr std::uint32_t kTypeField = 1;
constexpr std::uint32_t kDataField = 2;

struct KeyMessage {
  KeyType type;
  ByteView data;
};

Bytes encode_key_message(KeyType type, ByteView data) {
  protobuf::Writer writer;
  writer.varint_field(kTypeField, static_cast<std::uint64_t>(type));
  writer.bytes_field(kDataField, data);
  return writer.take();
}

// Both key protobufs share one shape: required Type = 1, required Data = 2, in that order,
// nothing else (peer-ids.md requires deterministic encoding).
Result<KeyMessage> parse_key_message(ByteView encoded) {
  if (encoded.size() > kMaxKeyProtobufBytes) return fail(Error::bad_key_protobuf);
  protobuf::Reader reader(encoded);
  auto first = reader.next();
  if (!first || !*first || (*first)->number != kTypeField ||
      (*first)->type != protobuf::WireType::varint) {
    return fail(Error::bad_key_protobuf);
  }
  auto second = reader.next();
  if (!second || !*second || (*second)->number != kDataField ||
      (*second)->type != protobuf::WireType::length_delimited) {
    return fail(Error::bad_key_protobuf);
  }
  auto end = reader.next();
  if (!end || *end) return fail(Error::bad_key_protobuf);
  if ((*first)->varint > static_cast<std::uint64_t>(KeyType::ecdsa)) {
    return fail(Error::unsupported_key_type);
  }
  KeyMessage message{static_cast<KeyType>((*first)->varint), (*second)->bytes};
  // Only the minimal encoding is valid: anything else would give one key two PeerIds.
  if (encode_key_message(message.type, message.data).size() != encoded.size()) {
    return fail(Error::bad_key_protobuf);
  }
  return message;
}

[[noreturn]] void sodium_failed(const char* what) {
  throw std::runtime_error(std::string("libsodium: ") + what);
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::ed25519:
      return "Ed25519";
    case KeyType::secp256k1:
      return "Secp256k1";
    case KeyType::ecdsa:
      return "ECDSA";
  }
  return "unknown";
}

Result<PublicKey> PublicKey::from_protobuf(ByteView encoded) {
  auto message = parse_key_message(encoded);
  if (!message) return fail(message.error());
  return from_raw(message->type, message->data);
}

Result<PublicKey> PublicKey::from_raw(KeyType type, ByteView data) {
  if (type != KeyType::ed25519) return fail(Error::unsupported_key_type);
  if (data.size() != kEd25519PublicKeySize) return fail(Error::bad_key);
  return PublicKey(type, Bytes(data.begin(), data.end()));
}

Bytes PublicKey::to_protobuf() const {
  return encode_key_message(type_, data_);
}

Result<void> PublicKey::verify(ByteView message, ByteView signature) const {
  if (type_ != KeyType::ed25519) return fail(Error::unsupported_key_type);
  if (signature.size() != kEd25519SignatureSize) return fail(Error::bad_signature);
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), data_.data()) !=
      0) {
    return fail(Error::bad_signature);
  }
  return {};
}

PrivateKey PrivateKey::generate_ed25519() {
  std::array<std::uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  PrivateKey key = ed25519_from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

PrivateKey PrivateKey::ed25519_from_seed(std::span<const std::uint8_t, 32> seed) {
  Bytes secret(crypto_sign_SECRETKEYBYTES);
  Bytes pub(crypto_sign_PUBLICKEYBYTES);
  if (crypto_sign_seed_keypair(pub.data(), secret.data(), seed.data()) != 0) {
    sodium_failed("crypto_sign_seed_keypair");
  }
  return PrivateKey(KeyType::ed25519, std::move(secret), PublicKey(KeyType::ed25519, pub));
}

Result<PrivateKey> PrivateKey::from_protobuf(ByteView encoded) {
  auto message = parse_key_message(encoded);
  if (!message) return fail(message.error());
  if (message->type != KeyType::ed25519) return fail(Error::unsupported_key_type);
  ByteView data = message->data;
  if (data.size() == 96) {
    // Legacy form: seed || public || public; the two copies must agree.
    if (sodium_memcmp(data.data() + 32, data.data() + 64, 32) != 0) return fail(Error::bad_key);
    data = data.first(64);
  }
  if (data.size() != 64) return fail(Error::bad_key);
  PrivateKey key = ed25519_from_seed(std::span<const std::uint8_t, 32>(data.data(), 32));
  // The stored public half must be the one the seed derives.
  if (sodium_memcmp(key.public_key_.data().data(), data.data() + 32, 32) != 0) {
    return fail(Error::bad_key);
  }
  return key;
}

PrivateKey::PrivateKey(const PrivateKey& other) = default;
PrivateKey& PrivateKey::operator=(const PrivateKey& other) {
  if (this != &other) {
    wipe();
    type_ = other.type_;
    secret_ = other.secret_;
    public_key_ = other.public_key_;
  }
  return *this;
}
PrivateKey::PrivateKey(PrivateKey&& other) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    wipe();
    type_ = other.type_;
    secret_ = std::move(other.secret_);
    public_key_ = std::move(other.public_key_);
  }
  return *this;
}
PrivateKey::~PrivateKey() {
  wipe();
}

void PrivateKey::wipe() noexcept {
  if (!secret_.empty()) sodium_memzero(secret_.data(), secret_.size());
}

Bytes PrivateKey::to_protobuf() const {
  return encode_key_message(type_, secret_);
}

Bytes PrivateKey::sign(ByteView message) const {
  Bytes signature(crypto_sign_BYTES);
  if (crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                           secret_.data()) != 0) {
    sodium_failed("crypto_sign_detached");
  }
  return signature;
}

}  // namespace meshchat::crypto
