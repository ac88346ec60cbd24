// Malformed and out-of-policy RSA, ECDSA and Secp256k1 keys and signatures; the bad inputs are
// built with OpenSSL and libsecp256k1 directly.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <secp256k1.h>

#include "crypto/keys.hpp"
#include "crypto/openssl_util.hpp"
#include "key_vectors.hpp"

namespace meshchat::crypto {
namespace {

using namespace test_vectors;
namespace ossl = detail::openssl;

Bytes hex(const char* text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument(text);
  return *bytes;
}

// The Data field of a key protobuf vector (all of ours have a 2-byte Type and a 1- to 3-byte
// length prefix).
Bytes data_of(const char* protobuf) {
  Bytes all = hex(protobuf);
  std::size_t offset = 4;
  while (all[offset - 1] & 0x80) ++offset;
  return Bytes(all.begin() + static_cast<std::ptrdiff_t>(offset), all.end());
}

Bytes private_protobuf(KeyType type, ByteView data) {
  Bytes out = {0x08, static_cast<std::uint8_t>(type), 0x12};
  for (std::size_t n = data.size();; n >>= 7) {  // LEB128 length
    out.push_back(static_cast<std::uint8_t>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Error public_error(KeyType type, ByteView data) {
  auto key = PublicKey::from_raw(type, data);
  return key ? Error{} : Error(key.error().value());
}

Error private_error(KeyType type, ByteView data) {
  auto key = PrivateKey::from_protobuf(private_protobuf(type, data));
  return key ? Error{} : Error(key.error().value());
}

// An RSA public key with modulus 2^(bits-1) + 1 and exponent `e`: enough for size checks, which
// look at the modulus length only.
Bytes rsa_public_spki(int bits, unsigned long e) {
  ossl::BnPtr n(BN_new()), exponent(BN_new());
  BN_set_bit(n.get(), bits - 1);
  BN_set_bit(n.get(), 0);
  BN_set_word(exponent.get(), e);
  std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> build(
      OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get());
  std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(
      OSSL_PARAM_BLD_to_param(build.get()));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    throw std::runtime_error("EVP_PKEY_fromdata");
  }
  return ossl::encode_spki(ossl::PkeyPtr(key).get());
}

ossl::PkeyPtr generate(const char* algorithm, const char* group_or_null, std::size_t bits = 0) {
  EVP_PKEY* key = group_or_null ? EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, group_or_null)
                                : EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm, bits);
  if (key == nullptr) throw std::runtime_error("EVP_PKEY_Q_keygen");
  return ossl::PkeyPtr(key);
}

TEST(KeyMalformed, RsaModulusBounds) {
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 65537)), Error{});
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(8192, 65537)), Error{});
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2047, 65537)), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(8193, 65537)), Error::bad_key);
  // The 8192-bit public key protobuf is far below the cap; the private one is checked at compile
  // time in keys_rsa.cpp.
  EXPECT_LT(rsa_public_spki(8192, 65537).size() + 5, kMaxKeyProtobufBytes);
}

TEST(KeyMalformed, RsaPublicExponent) {
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 3)), Error{});
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 0x7fffffff)), Error{});
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 1)), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 65536)), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::rsa, rsa_public_spki(2048, 0x80000001)), Error::bad_key);
}

TEST(KeyMalformed, Rsa1024BitKeys) {
  ossl::PkeyPtr key = generate("RSA", nullptr, 1024);
  EXPECT_EQ(public_error(KeyType::rsa, ossl::encode_spki(key.get())), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::rsa, ossl::encode_private(key.get())), Error::bad_key);
}

TEST(KeyMalformed, RsaEncodings) {
  Bytes pub = data_of(kGoRsaPublic);
  Bytes priv = data_of(kGoRsaPrivate);
  ASSERT_EQ(public_error(KeyType::rsa, pub), Error{});
  ASSERT_EQ(private_error(KeyType::rsa, priv), Error{});
  EXPECT_EQ(public_error(KeyType::rsa, Bytes(pub.begin(), pub.end() - 1)), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::rsa, Bytes(priv.begin(), priv.end() - 1)), Error::bad_key);
  Bytes trailing = pub;
  trailing.push_back(0);
  EXPECT_EQ(public_error(KeyType::rsa, trailing), Error::bad_key);
  // A non-minimal DER length (0x83 00 01 22 for 0x82 01 22) is BER, not the key's encoding.
  ASSERT_EQ(pub[1], 0x82);
  Bytes long_length = {0x30, 0x83, 0x00};
  long_length.insert(long_length.end(), pub.begin() + 2, pub.end());
  EXPECT_EQ(public_error(KeyType::rsa, long_length), Error::bad_key);
  // The private key as PKCS#8 is the same key in the wrong container.
  auto parsed = ossl::parse_private(EVP_PKEY_RSA, priv);
  ASSERT_TRUE(parsed);
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>
      pkcs8(EVP_PKEY2PKCS8(parsed.get()));
  ASSERT_TRUE(pkcs8);
  unsigned char* der = nullptr;
  int size = i2d_PKCS8_PRIV_KEY_INFO(pkcs8.get(), &der);
  ASSERT_GT(size, 0);
  Bytes wrapped(der, der + size);
  OPENSSL_clear_free(der, static_cast<std::size_t>(size));
  EXPECT_EQ(private_error(KeyType::rsa, wrapped), Error::bad_key);
  // A public key is not a private key, and the other way round.
  EXPECT_EQ(private_error(KeyType::rsa, pub), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::rsa, priv), Error::bad_key);
  // An EC key under the RSA type.
  EXPECT_EQ(public_error(KeyType::rsa, data_of(kSpecEcdsaPublic)), Error::bad_key);
}

TEST(KeyMalformed, RsaInconsistentPrivateKey) {
  Bytes priv = data_of(kGoRsaPrivate);
  // Flipping a byte deep inside d, p or the CRT values keeps valid DER but breaks the maths.
  for (std::size_t at : {priv.size() / 3, priv.size() / 2, priv.size() - 1}) {
    Bytes bad = priv;
    bad[at] ^= 0x04;
    EXPECT_EQ(private_error(KeyType::rsa, bad), Error::bad_key) << at;
  }
}

TEST(KeyMalformed, EcdsaWrongCurves) {
  for (const char* curve : {"P-384", "P-521", "secp256k1", "P-224"}) {
    ossl::PkeyPtr key = generate("EC", curve);
    EXPECT_EQ(public_error(KeyType::ecdsa, ossl::encode_spki(key.get())), Error::bad_key) << curve;
    EXPECT_EQ(private_error(KeyType::ecdsa, ossl::encode_private(key.get())), Error::bad_key)
        << curve;
  }
  // An Ed25519 SubjectPublicKeyInfo and an RSA one are not ECDSA keys either.
  ossl::PkeyPtr ed = generate("ED25519", nullptr);
  EXPECT_EQ(public_error(KeyType::ecdsa, ossl::encode_spki(ed.get())), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::ecdsa, data_of(kSpecRsaPublic)), Error::bad_key);
}

TEST(KeyMalformed, EcdsaPointForms) {
  ossl::PkeyPtr key = generate("EC", "P-256");
  Bytes uncompressed = ossl::encode_spki(key.get());
  ASSERT_EQ(public_error(KeyType::ecdsa, uncompressed), Error{});
  // go-libp2p's x509 parser reads only uncompressed points; compressed ones are refused.
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           "compressed"),
            1);
  Bytes compressed = ossl::encode_spki(key.get());
  ASSERT_LT(compressed.size(), uncompressed.size());
  EXPECT_EQ(public_error(KeyType::ecdsa, compressed), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::ecdsa, ossl::encode_private(key.get())), Error::bad_key);

  // A point off the curve: the last byte of Y changed.
  Bytes off_curve = data_of(kSpecEcdsaPublic);
  off_curve.back() ^= 1;
  EXPECT_EQ(public_error(KeyType::ecdsa, off_curve), Error::bad_key);
  // The point at infinity is a single zero byte, not 65 bytes.
  Bytes truncated = data_of(kSpecEcdsaPublic);
  truncated.pop_back();
  EXPECT_EQ(public_error(KeyType::ecdsa, truncated), Error::bad_key);
}

TEST(KeyMalformed, EcdsaPrivateKeys) {
  Bytes priv = data_of(kSpecEcdsaPrivate);
  ASSERT_EQ(private_error(KeyType::ecdsa, priv), Error{});
  // Its embedded public key changed: it no longer belongs to the scalar.
  Bytes wrong_public = priv;
  wrong_public.back() ^= 1;
  EXPECT_EQ(private_error(KeyType::ecdsa, wrong_public), Error::bad_key);
  // The scalar (bytes 7..38 of the SEC1 structure) set to zero.
  Bytes zero = priv;
  std::fill(zero.begin() + 7, zero.begin() + 39, 0);
  EXPECT_EQ(private_error(KeyType::ecdsa, zero), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::ecdsa, Bytes(priv.begin(), priv.end() - 3)), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::ecdsa, data_of(kSpecEcdsaPublic)), Error::bad_key);
}

TEST(KeyMalformed, Secp256k1PublicKeys) {
  Bytes compressed = data_of(kSpecSecp256k1Public);
  // The same key uncompressed, as go-libp2p also accepts it: held in compressed form.
  secp256k1_pubkey point;
  ASSERT_EQ(secp256k1_ec_pubkey_parse(secp256k1_context_static, &point, compressed.data(),
                                      compressed.size()),
            1);
  Bytes uncompressed(65);
  std::size_t size = uncompressed.size();
  secp256k1_ec_pubkey_serialize(secp256k1_context_static, uncompressed.data(), &size, &point,
                                SECP256K1_EC_UNCOMPRESSED);
  auto key = PublicKey::from_raw(KeyType::secp256k1, uncompressed);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->data(), compressed);

  Bytes off_curve = uncompressed;
  off_curve.back() ^= 1;
  EXPECT_EQ(public_error(KeyType::secp256k1, off_curve), Error::bad_key);
  Bytes bad_prefix = compressed;
  bad_prefix[0] = 0x05;
  EXPECT_EQ(public_error(KeyType::secp256k1, bad_prefix), Error::bad_key);
  // X at or above the field prime is no coordinate.
  Bytes too_big(33, 0xff);
  too_big[0] = 0x02;
  EXPECT_EQ(public_error(KeyType::secp256k1, too_big), Error::bad_key);
  EXPECT_EQ(public_error(KeyType::secp256k1, Bytes(compressed.begin(), compressed.end() - 1)),
            Error::bad_key);
  EXPECT_EQ(public_error(KeyType::secp256k1, Bytes{}), Error::bad_key);
}

TEST(KeyMalformed, Secp256k1PrivateKeys) {
  EXPECT_EQ(private_error(KeyType::secp256k1, Bytes(32, 0)), Error::bad_key);
  // The group order n itself, and 31 or 33 bytes.
  Bytes order = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EXPECT_EQ(private_error(KeyType::secp256k1, order), Error::bad_key);
  order.back() -= 1;  // n - 1 is the largest valid scalar
  EXPECT_EQ(private_error(KeyType::secp256k1, order), Error{});
  EXPECT_EQ(private_error(KeyType::secp256k1, Bytes(31, 1)), Error::bad_key);
  EXPECT_EQ(private_error(KeyType::secp256k1, Bytes(33, 1)), Error::bad_key);
}

// The signature with s replaced by n - s: equally valid ECDSA.
Bytes negate_s(ByteView der, const char* order_hex) {
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("d2i_ECDSA_SIG");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  BIGNUM* order = nullptr;
  BN_hex2bn(&order, order_hex);
  ossl::BnPtr owned_order(order);
  BIGNUM* negated = BN_new();
  BN_sub(negated, order, s);
  std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>> out(ECDSA_SIG_new());
  ECDSA_SIG_set0(out.get(), BN_dup(r), negated);
  unsigned char* encoded = nullptr;
  int size = i2d_ECDSA_SIG(out.get(), &encoded);
  Bytes result(encoded, encoded + size);
  OPENSSL_free(encoded);
  return result;
}

TEST(KeyMalformed, HighAndLowSAreBothAccepted) {
  // go-libp2p verifies either form for both curves (decred's and Go's ECDSA verifiers).
  auto secp = PublicKey::from_protobuf(hex(kGoSecp256k1Public));
  Bytes low = hex(kGoSecp256k1Signature);
  Bytes high = negate_s(low, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  ASSERT_NE(high, low);
  EXPECT_TRUE(secp->verify(as_bytes(kGoMessage), low));
  EXPECT_TRUE(secp->verify(as_bytes(kGoMessage), high));

  auto p256 = PublicKey::from_protobuf(hex(kGoEcdsaPublic));
  Bytes go = hex(kGoEcdsaSignature);
  Bytes other = negate_s(go, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_TRUE(p256->verify(as_bytes(kGoMessage), go));
  EXPECT_TRUE(p256->verify(as_bytes(kGoMessage), other));
}

TEST(KeyMalformed, Secp256k1SignaturesMustBeStrictDer) {
  auto key = PublicKey::from_protobuf(hex(kGoSecp256k1Public));
  Bytes sig = hex(kGoSecp256k1Signature);
  // 30 44 02 20 <r> 02 20 <s>: pad r with a needless zero byte (non-minimal INTEGER).
  Bytes padded = {0x30, static_cast<std::uint8_t>(sig[1] + 1), 0x02, 0x21, 0x00};
  padded.insert(padded.end(), sig.begin() + 4, sig.end());
  EXPECT_EQ(key->verify(as_bytes(kGoMessage), padded).error(), Error::bad_signature);
  // The same r and s as raw 64 bytes (the compact form) is not DER.
  Bytes compact(sig.begin() + 4, sig.begin() + 36);
  compact.insert(compact.end(), sig.end() - 32, sig.end());
  EXPECT_EQ(key->verify(as_bytes(kGoMessage), compact).error(), Error::bad_signature);
}

TEST(KeyMalformed, UnknownTypesOnly) {
  // Type 4 and beyond are unknown; every known type with bad Data is bad_key.
  EXPECT_EQ(PublicKey::from_protobuf(hex("0804120100")).error(), Error::unsupported_key_type);
  EXPECT_EQ(PrivateKey::from_protobuf(hex("0804120100")).error(), Error::unsupported_key_type);
  for (std::uint8_t type = 0; type <= 3; ++type) {
    Bytes garbage = {0x08, type, 0x12, 0x03, 0x30, 0x01, 0x00};
    EXPECT_EQ(PublicKey::from_protobuf(garbage).error(), Error::bad_key) << int(type);
    EXPECT_EQ(PrivateKey::from_protobuf(garbage).error(), Error::bad_key) << int(type);
  }
}

}  // namespace
}  // namespace meshchat::crypto
