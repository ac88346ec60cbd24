#include "crypto/keys.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/protobuf.hpp"
#include "crypto/key_types.hpp"

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

Result<Bytes> parse_public(KeyType type, ByteView data) {
  switch (type) {
    case KeyType::rsa:
      return detail::rsa::parse_public(data);
    case KeyType::ed25519:
      return detail::ed25519::parse_public(data);
    case KeyType::secp256k1:
      return detail::secp256k1::parse_public(data);
    case KeyType::ecdsa:
      return detail::ecdsa::parse_public(data);
  }
  return fail(Error::unsupported_key_type);
}

Result<detail::KeyPair> parse_private(KeyType type, ByteView data) {
  switch (type) {
    case KeyType::rsa:
      return detail::rsa::parse_private(data);
    case KeyType::ed25519:
      return detail::ed25519::parse_private(data);
    case KeyType::secp256k1:
      return detail::secp256k1::parse_private(data);
    case KeyType::ecdsa:
      return detail::ecdsa::parse_private(data);
  }
  return fail(Error::unsupported_key_type);
}

}  // namespace

void detail::wipe(Bytes& secret) noexcept {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
}

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
  // The same bound as for the whole protobuf: callers may hand us Data from anywhere.
  if (data.size() > kMaxKeyProtobufBytes) return fail(Error::bad_key);
  auto canonical = parse_public(type, data);
  if (!canonical) return fail(canonical.error());
  return PublicKey(type, std::move(*canonical));
}

Bytes PublicKey::to_protobuf() const {
  return encode_key_message(type_, data_);
}

Result<void> PublicKey::verify(ByteView message, ByteView signature) const {
  if (signature.size() > kMaxSignatureBytes) return fail(Error::bad_signature);
  switch (type_) {
    case KeyType::rsa:
      return detail::rsa::verify(data_, message, signature);
    case KeyType::ed25519:
      return detail::ed25519::verify(data_, message, signature);
    case KeyType::secp256k1:
      return detail::secp256k1::verify(data_, message, signature);
    case KeyType::ecdsa:
      return detail::ecdsa::verify(data_, message, signature);
  }
  return fail(Error::unsupported_key_type);
}

PrivateKey PrivateKey::generate(KeyType type) {
  detail::KeyPair pair;
  switch (type) {
    case KeyType::rsa:
      pair = detail::rsa::generate();
      break;
    case KeyType::ed25519:
      pair = detail::ed25519::generate();
      break;
    case KeyType::secp256k1:
      pair = detail::secp256k1::generate();
      break;
    case KeyType::ecdsa:
      pair = detail::ecdsa::generate();
      break;
    default:
      throw std::invalid_argument("PrivateKey::generate: not a KeyType");
  }
  return PrivateKey(type, std::move(pair.secret), PublicKey(type, std::move(pair.public_data)));
}

PrivateKey PrivateKey::generate_ed25519() {
  return generate(KeyType::ed25519);
}

PrivateKey PrivateKey::ed25519_from_seed(std::span<const std::uint8_t, 32> seed) {
  detail::KeyPair pair = detail::ed25519::from_seed(seed);
  return PrivateKey(KeyType::ed25519, std::move(pair.secret),
                    PublicKey(KeyType::ed25519, std::move(pair.public_data)));
}

Result<PrivateKey> PrivateKey::from_protobuf(ByteView encoded) {
  auto message = parse_key_message(encoded);
  if (!message) return fail(message.error());
  auto pair = parse_private(message->type, message->data);
  if (!pair) return fail(pair.error());
  return PrivateKey(message->type, std::move(pair->secret),
                    PublicKey(message->type, std::move(pair->public_data)));
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
  detail::wipe(secret_);
}

Bytes PrivateKey::to_protobuf() const {
  return encode_key_message(type_, secret_);
}

Bytes PrivateKey::sign(ByteView message) const {
  switch (type_) {
    case KeyType::rsa:
      return detail::rsa::sign(secret_, message);
    case KeyType::ed25519:
      return detail::ed25519::sign(secret_, message);
    case KeyType::secp256k1:
      return detail::secp256k1::sign(secret_, message);
    case KeyType::ecdsa:
      return detail::ecdsa::sign(secret_, message);
  }
  throw std::logic_error("PrivateKey::sign: not a KeyType");
}

}  // namespace meshchat::crypto
