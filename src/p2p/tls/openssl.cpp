#include "p2p/tls/openssl.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>

#include <openssl/err.h>

namespace meshchat::p2p::tls {

void clear_errors() noexcept {
  ERR_clear_error();
}

std::error_code openssl_failure(Error e) noexcept {
  clear_errors();
  return e;
}

std::error_code classify_ssl_failure(int ssl_error, Error fallback) noexcept {
  Error e = fallback;
  if (ssl_error == SSL_ERROR_ZERO_RETURN) {
    e = Error::closed;
  } else if (ssl_error == SSL_ERROR_SSL) {
    unsigned long code = ERR_peek_error();
    int reason = ERR_GET_REASON(code);
    if (ERR_GET_LIB(code) == ERR_LIB_SSL) {
      // OpenSSL reports an alert received from the peer as reason SSL_AD_REASON_OFFSET + alert.
      if (reason >= SSL_AD_REASON_OFFSET) {
        e = Error::alert_received;
      } else if (reason == SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC ||
                 reason == SSL_R_DECRYPTION_FAILED) {
        e = Error::decrypt_failed;
      }
    } else if (ERR_GET_LIB(code) != 0 && reason == ERR_R_MALLOC_FAILURE) {
      e = Error::internal;
    }
  }
  clear_errors();
  return e;
}

Result<void> write_bio(BIO* bio, ByteView bytes) {
  while (!bytes.empty()) {
    // BIO_write takes an int length.
    int n = static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX));
    if (BIO_write(bio, bytes.data(), n) != n) return fail(openssl_failure(Error::internal));
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

void drain_bio(BIO* bio, Bytes& out) {
  std::size_t pending = BIO_ctrl_pending(bio);
  if (pending == 0) return;
  std::size_t start = out.size();
  out.resize(start + pending);
  std::size_t read = 0;
  // A memory BIO hands out everything it holds.
  if (BIO_read_ex(bio, out.data() + start, pending, &read) != 1) read = 0;
  out.resize(start + read);
}

BioPtr make_memory_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio) BIO_set_mem_eof_return(bio.get(), -1);
  return bio;
}

Result<Bytes> to_der(X509* certificate) {
  int size = i2d_X509(certificate, nullptr);
  if (size <= 0) return fail(openssl_failure(Error::internal));
  Bytes out(static_cast<std::size_t>(size));
  unsigned char* p = out.data();
  if (i2d_X509(certificate, &p) != size) return fail(openssl_failure(Error::internal));
  return out;
}

Result<Bytes> public_key_der(EVP_PKEY* key) {
  int size = i2d_PUBKEY(key, nullptr);
  if (size <= 0) return fail(openssl_failure(Error::internal));
  Bytes out(static_cast<std::size_t>(size));
  unsigned char* p = out.data();
  if (i2d_PUBKEY(key, &p) != size) return fail(openssl_failure(Error::internal));
  return out;
}

}  // namespace meshchat::p2p::tls
