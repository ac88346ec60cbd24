#include "crypto/openssl_util.hpp"

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace meshchat::crypto::detail::openssl {

namespace {

// OpenSSL wants a non-null pointer even for zero bytes in a few places; an empty span may have
// none.
const unsigned char* data_or_empty(ByteView bytes) {
  static constexpr unsigned char kEmpty = 0;
  return bytes.empty() ? &kEmpty : bytes.data();
}

bool fits_long(ByteView bytes) {
  return bytes.size() <= static_cast<std::size_t>(std::numeric_limits<long>::max());
}

// RSA keys sign with PKCS#1 v1.5 (peer-ids.md "RSA"); OpenSSL's default, but stated so that a
// changed default cannot silently switch the scheme.
bool configure(EVP_PKEY* key, EVP_PKEY_CTX* ctx) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return true;
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
}

}  // namespace

void library_failed(const char* what) {
  throw std::runtime_error(std::string("OpenSSL: ") + what);
}

PkeyPtr parse_spki(ByteView der) {
  if (der.empty() || !fits_long(der)) return nullptr;
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != der.data() + der.size()) return nullptr;
  return key;
}

PkeyPtr parse_private(int type, ByteView der) {
  if (der.empty() || !fits_long(der)) return nullptr;
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_PrivateKey(type, nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != der.data() + der.size()) return nullptr;
  return key;
}

Bytes encode_spki(const EVP_PKEY* key) {
  int size = i2d_PUBKEY(key, nullptr);
  if (size <= 0) library_failed("i2d_PUBKEY");
  Bytes out(static_cast<std::size_t>(size));
  unsigned char* p = out.data();
  if (i2d_PUBKEY(key, &p) != size) library_failed("i2d_PUBKEY");
  return out;
}

Bytes encode_private(const EVP_PKEY* key) {
  // Straight into the buffer that becomes the key's Data: no second copy of the secret.
  int size = i2d_PrivateKey(key, nullptr);
  if (size <= 0) library_failed("i2d_PrivateKey");
  Bytes out(static_cast<std::size_t>(size));
  unsigned char* p = out.data();
  if (i2d_PrivateKey(key, &p) != size) library_failed("i2d_PrivateKey");
  return out;
}

BnPtr bn_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &value) != 1) return nullptr;
  return BnPtr(value);
}

Bytes sign_sha256(EVP_PKEY* key, ByteView message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      !configure(key, pctx)) {
    library_failed("EVP_DigestSignInit");
  }
  std::size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, data_or_empty(message), message.size()) != 1) {
    library_failed("EVP_DigestSign");
  }
  Bytes signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, data_or_empty(message), message.size()) !=
      1) {
    library_failed("EVP_DigestSign");
  }
  signature.resize(size);  // DER ECDSA signatures are often shorter than the maximum
  return signature;
}

Result<void> verify_sha256(EVP_PKEY* key, ByteView message, ByteView signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      !configure(key, pctx)) {
    library_failed("EVP_DigestVerifyInit");
  }
  // 1 is a valid signature; 0 a wrong one; below 0 one that does not even parse.
  if (EVP_DigestVerify(ctx.get(), data_or_empty(signature), signature.size(),
                       data_or_empty(message), message.size()) != 1) {
    return fail(Error::bad_signature);
  }
  return {};
}

}  // namespace meshchat::crypto::detail::openssl
