// Secp256k1 (peer-ids.md "Secp256k1") over libsecp256k1: public Data is the 33-byte compressed
// point, private Data the 32-byte scalar, signatures DER ECDSA over SHA-256 (BIP-62 encoding).
#include <secp256k1.h>
#include <sodium.h>

#include <array>
#include <stdexcept>
#include <string>

#include "crypto/hash.hpp"
#include "crypto/key_types.hpp"
#include "crypto/keys.hpp"

namespace meshchat::crypto::detail::secp256k1 {

namespace {

constexpr std::size_t kCompressedSize = 33;    // 0x02/0x03 || X
constexpr std::size_t kUncompressedSize = 65;  // 0x04 || X || Y (or hybrid 0x06/0x07 || X || Y)
constexpr std::size_t kSecretSize = 32;
// DER SEQUENCE of two INTEGERs of at most 33 bytes (a leading zero before a high bit): 2 + 2 *
// (2 + 33). Longer input cannot be a signature; refusing it bounds the parser's work.
constexpr std::size_t kMaxSignatureSize = 72;

[[noreturn]] void library_failed(const char* what) {
  throw std::runtime_error(std::string("libsecp256k1: ") + what);
}

// One context for the process: libsecp256k1 contexts are safe to share for signing and
// verifying. Randomised once against timing side channels in signing.
const secp256k1_context* context() {
  static const secp256k1_context* const ctx = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (created == nullptr) library_failed("secp256k1_context_create");
    std::array<unsigned char, 32> seed;
    randombytes_buf(seed.data(), seed.size());
    int ok = secp256k1_context_randomize(created, seed.data());
    sodium_memzero(seed.data(), seed.size());
    if (ok != 1) library_failed("secp256k1_context_randomize");
    return created;
  }();
  return ctx;
}

Bytes serialize_compressed(const secp256k1_pubkey& key) {
  Bytes out(kCompressedSize);
  std::size_t size = out.size();
  if (secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &key, SECP256K1_EC_COMPRESSED) !=
          1 ||
      size != kCompressedSize) {
    library_failed("secp256k1_ec_pubkey_serialize");
  }
  return out;
}

}  // namespace

Result<Bytes> parse_public(ByteView data) {
  // Go (decred's ParsePubKey), Rust and JS libp2p read compressed, uncompressed and hybrid
  // points and write the compressed one, so a key has one Data and one PeerId however it
  // arrived. The parser checks that the point is on the curve.
  if (data.size() != kCompressedSize && data.size() != kUncompressedSize) {
    return fail(Error::bad_key);
  }
  secp256k1_pubkey key;
  if (secp256k1_ec_pubkey_parse(context(), &key, data.data(), data.size()) != 1) {
    return fail(Error::bad_key);
  }
  return serialize_compressed(key);
}

Result<KeyPair> parse_private(ByteView data) {
  // A scalar in [1, n-1]. Go reduces larger values modulo n instead; we refuse them, so that a
  // key has one encoding.
  if (data.size() != kSecretSize || secp256k1_ec_seckey_verify(context(), data.data()) != 1) {
    return fail(Error::bad_key);
  }
  secp256k1_pubkey key;
  if (secp256k1_ec_pubkey_create(context(), &key, data.data()) != 1) return fail(Error::bad_key);
  KeyPair pair;
  pair.secret.assign(data.begin(), data.end());
  pair.public_data = serialize_compressed(key);
  return pair;
}

KeyPair generate() {
  // About one 32-byte string in 2^128 is not a valid scalar; draw again in that case.
  for (;;) {
    Bytes secret(kSecretSize);
    randombytes_buf(secret.data(), secret.size());
    auto pair = parse_private(secret);
    wipe(secret);
    if (pair) return std::move(*pair);
  }
}

Bytes sign(ByteView secret, ByteView message) {
  // RFC 6979 nonces and low-S signatures, as Go's decred ecdsa.Sign makes: both sides produce
  // the same bytes for the same key and message.
  Sha256Digest digest = sha256(message);
  secp256k1_ecdsa_signature signature;
  if (secp256k1_ecdsa_sign(context(), &signature, digest.data(), secret.data(), nullptr, nullptr) !=
      1) {
    library_failed("secp256k1_ecdsa_sign");
  }
  Bytes out(kMaxSignatureSize);
  std::size_t size = out.size();
  if (secp256k1_ecdsa_signature_serialize_der(context(), out.data(), &size, &signature) != 1) {
    library_failed("secp256k1_ecdsa_signature_serialize_der");
  }
  out.resize(size);
  return out;
}

Result<void> verify(ByteView public_data, ByteView message, ByteView signature) {
  if (signature.empty() || signature.size() > kMaxSignatureSize) return fail(Error::bad_signature);
  // Strict DER, as decred's ParseDERSignature (go-libp2p) demands.
  secp256k1_ecdsa_signature parsed;
  if (secp256k1_ecdsa_signature_parse_der(context(), &parsed, signature.data(), signature.size()) !=
      1) {
    return fail(Error::bad_signature);
  }
  // libsecp256k1 only verifies low-S signatures; Go's verifier takes either s or n - s and so do
  // we, since both are valid ECDSA. Normalising keeps interop with signers that do not.
  secp256k1_ecdsa_signature_normalize(context(), &parsed, &parsed);
  secp256k1_pubkey key;
  if (secp256k1_ec_pubkey_parse(context(), &key, public_data.data(), public_data.size()) != 1) {
    library_failed("secp256k1_ec_pubkey_parse of a validated key");
  }
  Sha256Digest digest = sha256(message);
  if (secp256k1_ecdsa_verify(context(), &parsed, digest.data(), &key) != 1) {
    return fail(Error::bad_signature);
  }
  return {};
}

}  // namespace meshchat::crypto::detail::secp256k1
