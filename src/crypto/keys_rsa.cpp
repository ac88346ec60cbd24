// RSA (peer-ids.md "RSA") over OpenSSL 3: public Data is a DER SubjectPublicKeyInfo, private Data
// a DER PKCS#1 RSAPrivateKey, signatures RSASSA-PKCS1-v1_5 over SHA-256.
#include <openssl/core_names.h>

#include <algorithm>

#include "crypto/key_types.hpp"
#include "crypto/keys.hpp"
#include "crypto/openssl_util.hpp"

namespace meshchat::crypto::detail::rsa {

namespace {

using openssl::bn_param;
using openssl::BnCtxPtr;
using openssl::BnPtr;
using openssl::ErrorMark;
using openssl::library_failed;
using openssl::PkeyPtr;

// New keys match go-libp2p's and js-libp2p's default size, the smallest that is accepted.
constexpr int kGeneratedKeyBits = static_cast<int>(kMinRsaKeyBits);
// Public exponents above 2^31 - 1 are refused like Go's crypto/rsa does (go-libp2p's keys), which
// also keeps a hostile key from making each verification cost a private-key operation. Below 3,
// or even, no RSA key pair exists, and e = 1 would make every message its own signature.
constexpr unsigned long kMaxPublicExponent = 0x7fffffffUL;
constexpr unsigned long kMinPublicExponent = 3;

// Upper bound of a DER INTEGER holding a positive number of `bits` bits: tag, a length of at
// most 3 bytes (contents below 64 KiB), a possible leading zero, the magnitude.
constexpr std::size_t der_integer_bound(std::size_t bits) {
  return 1 + 3 + 1 + (bits + 7) / 8;
}
// The largest PKCS#1 private key we accept: version, n and d (below n), e, and p, q with
// dp < p, dq < q, qinv < p (checked in consistent()); with p * q = n the five together hold at
// most 3 * |n| bits however unbalanced the primes. Plus the SEQUENCE header.
constexpr std::size_t kMaxPrivateDerBytes =
    1 + 3 + der_integer_bound(2) + 2 * der_integer_bound(kMaxRsaKeyBits) + der_integer_bound(32) +
    3 * der_integer_bound(kMaxRsaKeyBits) + 4 * der_integer_bound(2);
// PrivateKey protobuf: Type field (2 bytes), Data tag and length (at most 3 bytes), Data.
static_assert(2 + 1 + 2 + kMaxPrivateDerBytes <= kMaxKeyProtobufBytes,
              "an 8192-bit RSA PrivateKey protobuf must fit kMaxKeyProtobufBytes");

// Size and exponent bounds shared by public and private keys.
bool acceptable(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return false;  // RSA-PSS keys have their own id
  int bits = EVP_PKEY_get_bits(key);
  if (bits < static_cast<int>(kMinRsaKeyBits) || bits > static_cast<int>(kMaxRsaKeyBits)) {
    return false;
  }
  BnPtr e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
  if (!e || !BN_is_odd(e.get())) return false;
  BN_ULONG value = BN_get_word(e.get());  // all ones if e does not fit a word
  return value >= kMinPublicExponent && value <= kMaxPublicExponent;
}

// The private numbers belong together (what Go's rsa.PrivateKey.Validate and Precompute
// establish): n = p q, d < n, e d = 1 mod p-1 and mod q-1, and the CRT values are d mod p-1,
// d mod q-1 and q^-1 mod p. Primality is not tested: it costs seconds for large keys and a private
// key is our own file, not peer input; a consistent key signs correctly whatever its primes are.
bool consistent(const EVP_PKEY* key) {
  BnPtr n = bn_param(key, OSSL_PKEY_PARAM_RSA_N);
  BnPtr e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
  BnPtr d = bn_param(key, OSSL_PKEY_PARAM_RSA_D);
  BnPtr p = bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
  BnPtr q = bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
  BnPtr dp = bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
  BnPtr dq = bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
  BnPtr qinv = bn_param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  if (!n || !e || !d || !p || !q || !dp || !dq || !qinv) return false;
  // Multi-prime keys (PKCS#1 version 1): no libp2p implementation writes them.
  if (bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR3)) return false;
  if (BN_cmp(p.get(), BN_value_one()) <= 0 || BN_cmp(q.get(), BN_value_one()) <= 0 ||
      BN_cmp(d.get(), n.get()) >= 0) {
    return false;
  }

  BnCtxPtr ctx(BN_CTX_secure_new());
  BnPtr product(BN_new()), p1(BN_new()), q1(BN_new()), t(BN_new());
  if (!ctx || !product || !p1 || !q1 || !t) library_failed("BN_new");
  bool ok = BN_mul(product.get(), p.get(), q.get(), ctx.get()) == 1 &&
            BN_cmp(product.get(), n.get()) == 0 && BN_sub(p1.get(), p.get(), BN_value_one()) &&
            BN_sub(q1.get(), q.get(), BN_value_one()) &&
            BN_mod_mul(t.get(), e.get(), d.get(), p1.get(), ctx.get()) && BN_is_one(t.get()) &&
            BN_mod_mul(t.get(), e.get(), d.get(), q1.get(), ctx.get()) && BN_is_one(t.get()) &&
            BN_mod(t.get(), d.get(), p1.get(), ctx.get()) && BN_cmp(t.get(), dp.get()) == 0 &&
            BN_mod(t.get(), d.get(), q1.get(), ctx.get()) && BN_cmp(t.get(), dq.get()) == 0 &&
            BN_cmp(qinv.get(), p.get()) < 0 &&
            BN_mod_mul(t.get(), qinv.get(), q.get(), p.get(), ctx.get()) && BN_is_one(t.get());
  return ok;
}

}  // namespace

Result<Bytes> parse_public(ByteView data) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_spki(data);
  if (!key || !acceptable(key.get())) return fail(Error::bad_key);
  // DER has one encoding per key; BER leniencies OpenSSL tolerates would give one key two
  // PeerIds.
  Bytes canonical = openssl::encode_spki(key.get());
  if (!std::ranges::equal(canonical, data)) return fail(Error::bad_key);
  return canonical;
}

Result<KeyPair> parse_private(ByteView data) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_private(EVP_PKEY_RSA, data);
  if (!key || !acceptable(key.get()) || !consistent(key.get())) return fail(Error::bad_key);
  KeyPair pair;
  pair.secret = openssl::encode_private(key.get());
  if (!std::ranges::equal(pair.secret, data)) return fail(Error::bad_key);
  pair.public_data = openssl::encode_spki(key.get());
  return pair;
}

KeyPair generate() {
  ErrorMark mark;
  PkeyPtr key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(kGeneratedKeyBits)));
  if (!key) library_failed("EVP_PKEY_Q_keygen(RSA)");
  KeyPair encoded;
  encoded.secret = openssl::encode_private(key.get());
  // Through the parser, so that a generated key is held exactly as a loaded one would be.
  auto pair = parse_private(encoded.secret);
  if (!pair) library_failed("generated RSA key does not parse");
  return std::move(*pair);
}

Bytes sign(ByteView secret, ByteView message) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_private(EVP_PKEY_RSA, secret);
  if (!key) library_failed("d2i_PrivateKey(RSA)");
  return openssl::sign_sha256(key.get(), message);
}

Result<void> verify(ByteView public_data, ByteView message, ByteView signature) {
  ErrorMark mark;
  PkeyPtr key = openssl::parse_spki(public_data);
  if (!key) library_failed("d2i_PUBKEY(RSA)");
  return openssl::verify_sha256(key.get(), message, signature);
}

}  // namespace meshchat::crypto::detail::rsa
