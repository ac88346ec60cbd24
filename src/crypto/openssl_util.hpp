// RAII owners for OpenSSL 3 objects and the few EVP calls the key types share (DER in and out,
// SHA-256 sign and verify). Internal to src/crypto; used by keys_rsa.cpp and keys_ecdsa.cpp.
#pragma once

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/error.hpp"

namespace meshchat::crypto::detail::openssl {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
// Clearing free for every number: some hold private exponents and primes.
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;

// Everything OpenSSL pushes onto this thread's error queue while a mark is alive is dropped
// when it dies: our failures are Results, and a stale entry would confuse the next caller that
// reads the queue (the TLS layer does).
class ErrorMark {
 public:
  ErrorMark() { ERR_set_mark(); }
  ~ErrorMark() { ERR_pop_to_mark(); }
  ErrorMark(const ErrorMark&) = delete;
  ErrorMark& operator=(const ErrorMark&) = delete;
};

// A DER SubjectPublicKeyInfo; nullptr unless it parses and nothing trails it.
PkeyPtr parse_spki(ByteView der);
// A DER type-specific private key (PKCS#1 for EVP_PKEY_RSA, SEC1 for EVP_PKEY_EC); nullptr unless
// it parses and nothing trails it.
PkeyPtr parse_private(int type, ByteView der);
// The DER SubjectPublicKeyInfo, and the type-specific private key, of `key`. Throws
// std::runtime_error if OpenSSL cannot encode a key it holds (allocation failure).
Bytes encode_spki(const EVP_PKEY* key);
Bytes encode_private(const EVP_PKEY* key);
// The parameter `name` (an OSSL_PKEY_PARAM_*) as a number; nullptr if the key has none.
BnPtr bn_param(const EVP_PKEY* key, const char* name);

// SHA-256 then the key's signature scheme (RSASSA-PKCS1-v1_5 for RSA keys, DER ECDSA for EC).
// sign throws std::runtime_error on library failure; verify answers bad_signature for anything
// but a valid signature.
Bytes sign_sha256(EVP_PKEY* key, ByteView message);
Result<void> verify_sha256(EVP_PKEY* key, ByteView message, ByteView signature);

[[noreturn]] void library_failed(const char* what);

}  // namespace meshchat::crypto::detail::openssl
