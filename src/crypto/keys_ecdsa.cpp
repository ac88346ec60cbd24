// ECDSA on NIST P-256 (peer-ids.md "ECDSA") over OpenSSL 3: public Data is a DER
// SubjectPublicKeyInfo, private Data a DER SEC1 ECPrivateKey (what go-libp2p writes with
// x509.MarshalECPrivateKey), signatures DER ECDSA over SHA-256.
#include <algorithm>
#include <array>

#include "crypto/key_types.hpp"
#include "crypto/keys.hpp"
#include "crypto/openssl_util.hpp"

namespace meshchat::crypto::detail::ecdsa {

namespace {

using openssl::ErrorMark;
using openssl::library_failed;
using openssl::PkeyCtxPtr;
using openssl::PkeyPtr;

// Every P-256 SubjectPublicKeyInfo go-libp2p and js-libp2p write starts with these bytes:
// SEQUENCE, AlgorithmIdentifier {id-ecPublicKey, namedCurve prime256v1}, BIT STRING, then the
// 0x04 of an uncompressed point; the 64 bytes of X and Y follow. Pinning the prefix refuses
// other curves (P-384, secp256k1 here), explicit curve parameters, and compressed or hybrid
// points, none of which Go's x509.ParsePKIXPublicKey reads back as the same key.
constexpr std::array<std::uint8_t, 27> kP256SpkiPrefix = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
    0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
constexpr std::size_t kP256SpkiSize = kP256SpkiPrefix.size() + 64;

// The key's public point is on the curve, is not the point at infinity, and (for private keys)
// belongs to its scalar, which lies in [1, n-1]. OpenSSL's full check; cheap for EC keys.
bool valid(EVP_PKEY* key, bool with_private) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) library_failed("EVP_PKEY_CTX_new_from_pkey");
  return with_private ? EVP_PKEY_pairwise_check(ctx.get()) == 1
                      : EVP_PKEY_public_check(ctx.get()) == 1;
}

}  // namespace

Result<Bytes> parse_public(ByteView data) {
  if (data.size() != kP256SpkiSize ||
      !std::ranges::equal(data.first(kP256SpkiPrefix.size()), kP256SpkiPrefix)) {
    return fail(Error::bad_key);
  }
  ErrorMark mark;
  PkeyPtr key = openssl::parse_spki(data);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || !valid(key.get(), false)) {
    return fail(Error::bad_key);
  }
  // With the prefix and length fixed, the encoding is the canonical one; checked anyway, as the
  // same rule holds for every DER key.
  Bytes canonical = openssl::encode_spki(key.get());
  if (!std::ranges::equal(canonical, data)) return fail(Error::bad_key);
  return canonical;
}

Result<KeyPair> parse_private(ByteView data) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_private(EVP_PKEY_EC, data);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || !valid(key.get(), true)) {
    return fail(Error::bad_key);
  }
  KeyPair pair;
  // SEC1 with the curve OID and the public key, the scalar padded to 32 bytes: Go's
  // x509.MarshalECPrivateKey and OpenSSL write the same bytes, so anything else is refused.
  pair.secret = openssl::encode_private(key.get());
  if (!std::ranges::equal(pair.secret, data)) return fail(Error::bad_key);
  // The public half must itself be a key we accept, which pins curve and point form.
  auto public_data = parse_public(openssl::encode_spki(key.get()));
  if (!public_data) return fail(Error::bad_key);
  pair.public_data = std::move(*public_data);
  return pair;
}

KeyPair generate() {
  ErrorMark mark;
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) library_failed("EVP_PKEY_Q_keygen(EC)");
  KeyPair encoded;
  encoded.secret = openssl::encode_private(key.get());
  // Through the parser, so that a generated key is held exactly as a loaded one would be.
  auto pair = parse_private(encoded.secret);
  if (!pair) library_failed("generated P-256 key does not parse");
  return std::move(*pair);
}

Bytes sign(ByteView secret, ByteView message) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_private(EVP_PKEY_EC, secret);
  if (!key) library_failed("d2i_PrivateKey(EC)");
  return openssl::sign_sha256(key.get(), message);
}

Result<void> verify(ByteView public_data, ByteView message, ByteView signature) {
  // OpenSSL refuses signatures that are not strict DER or carry trailing bytes, and accepts
  // both s and n - s, like Go's crypto/ecdsa (go-libp2p does not normalise P-256 signatures).
  ErrorMark mark;
  PkeyPtr key = openssl::parse_spki(public_data);
  if (!key) library_failed("d2i_PUBKEY(EC)");
  return openssl::verify_sha256(key.get(), message, signature);
}

}  // namespace meshchat::crypto::detail::ecdsa
