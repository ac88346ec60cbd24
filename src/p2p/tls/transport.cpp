#include "p2p/tls/transport.hpp"

#include <algorithm>
#include <utility>

namespace meshchat::p2p::tls {

SecureTransport::SecureTransport(SslPtr ssl) : ssl_(std::move(ssl)) {}

Result<void> SecureTransport::encrypt(ByteView plaintext, Bytes& out) {
  if (failed_) return fail(failed_);
  BIO* network = SSL_get_wbio(ssl_.get());
  drain_bio(network, out);
  while (!plaintext.empty()) {
    clear_errors();
    std::size_t n = std::min(plaintext.size(), kMaxPlaintext);
    std::size_t written = 0;
    int r = SSL_write_ex(ssl_.get(), plaintext.data(), n, &written);
    if (r != 1 || written != n) {
      failed_ = classify_ssl_failure(SSL_get_error(ssl_.get(), r), Error::bad_record);
      drain_bio(network, out);
      return fail(failed_);
    }
    plaintext = plaintext.subspan(n);
    drain_bio(network, out);
  }
  return {};
}

Result<void> SecureTransport::decrypt(ByteView ciphertext, Bytes& out) {
  if (failed_) return fail(failed_);
  if (auto r = write_bio(SSL_get_rbio(ssl_.get()), ciphertext); !r) {
    failed_ = r.error();
    return r;
  }
  for (;;) {
    clear_errors();
    std::size_t start = out.size();
    out.resize(start + kMaxPlaintext);
    std::size_t read = 0;
    int r = SSL_read_ex(ssl_.get(), out.data() + start, kMaxPlaintext, &read);
    out.resize(start + read);
    if (r == 1) continue;
    int error = SSL_get_error(ssl_.get(), r);
    if (error == SSL_ERROR_WANT_READ) {
      clear_errors();
      return {};
    }
    failed_ = classify_ssl_failure(error, Error::bad_record);
    return fail(failed_);
  }
}

Result<void> SecureTransport::close(Bytes& out) {
  if (failed_) return fail(failed_);
  clear_errors();
  // 0: our close_notify is written and the peer's has not arrived, which is all we wait for.
  int r = SSL_shutdown(ssl_.get());
  drain_bio(SSL_get_wbio(ssl_.get()), out);
  if (r < 0) {
    failed_ = classify_ssl_failure(SSL_get_error(ssl_.get(), r), Error::bad_record);
    return fail(failed_);
  }
  return {};
}

Bytes SecureTransport::take_output() {
  Bytes out;
  drain_bio(SSL_get_wbio(ssl_.get()), out);
  return out;
}

}  // namespace meshchat::p2p::tls
