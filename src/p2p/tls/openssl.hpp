// OpenSSL ownership and memory-BIO helpers for the /tls/1.0.0 secure channel
// (libp2p/tls/tls.md). Every OpenSSL object the module holds goes through one of these types.
#pragma once

#include <memory>
#include <system_error>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/tls/error.hpp"

namespace meshchat::p2p::tls {

template <auto Free>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<&SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<&SSL_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<&X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<&ASN1_OBJECT_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<&ASN1_OCTET_STRING_free>>;

// Discards OpenSSL's thread-local error queue. Called before each SSL_* operation (SSL_get_error
// needs an empty queue to report correctly) and after each failure, so that no stale entry
// outlives the Result that reported it.
void clear_errors() noexcept;

// Clears the error queue and returns `e`: `return fail(openssl_failure(Error::internal));`
std::error_code openssl_failure(Error e) noexcept;

// Maps the failure of an SSL_* call (its SSL_get_error code) to an Error, using `fallback` for
// protocol errors that are neither an alert from the peer nor a record failing authentication.
// Clears the error queue.
std::error_code classify_ssl_failure(int ssl_error, Error fallback) noexcept;

// Appends `bytes` to a memory BIO (which grows as needed, so this cannot fail short of
// allocation failure, reported as Error::internal).
Result<void> write_bio(BIO* bio, ByteView bytes);
// Appends everything buffered in a memory BIO to `out` and empties it.
void drain_bio(BIO* bio, Bytes& out);

// A memory BIO that reports "retry" instead of end-of-file when empty: more bytes may arrive.
BioPtr make_memory_bio();

// DER encodings of a certificate and of a public key's SubjectPublicKeyInfo.
Result<Bytes> to_der(X509* certificate);
Result<Bytes> public_key_der(EVP_PKEY* key);

}  // namespace meshchat::p2p::tls
