#include "p2p/tls/handshake.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "p2p/tls/error.hpp"

namespace meshchat::p2p::tls {

// ALPN's ProtocolNameList is opaque<2..2^16-1> (RFC 7301 §3.1).
constexpr std::size_t kMaxAlpnListBytes = 65535;

struct Handshake::Session {
  Session(Role role, Certificate certificate, std::vector<std::string> muxers,
          std::optional<crypto::PeerId> expected_remote, WallTime now)
      : role(role),
        certificate(std::move(certificate)),
        muxers(std::move(muxers)),
        expected_remote(std::move(expected_remote)),
        now(now) {}

  Role role;
  Certificate certificate;
  std::vector<std::string> muxers;
  std::optional<crypto::PeerId> expected_remote;
  WallTime now;
  SslCtxPtr context;
  SslPtr ssl;
  // Why a callback refused the peer; OpenSSL itself only reports that verification failed.
  std::error_code refusal;
  // Filled in by the verify callback.
  std::optional<crypto::PublicKey> remote_key;
  std::optional<crypto::PeerId> remote_peer;
  std::optional<std::string> muxer;
};

namespace {

using Session = Handshake::Session;

bool supports(const Session& session, std::string_view protocol) {
  return protocol == kAlpn ||
         std::find(session.muxers.begin(), session.muxers.end(), protocol) != session.muxers.end();
}

// Replaces OpenSSL's chain building (which would look for trusted CAs) with the libp2p rules.
int verify_peer(X509_STORE_CTX* store, void* arg) {
  auto* session = static_cast<Session*>(arg);
  auto refuse = [&](std::error_code reason) {
    session->refusal = reason;
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  };
  // OpenSSL passes the peer's whole chain, leaf first, as the untrusted certificates.
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(store);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (!leaf || !chain || sk_X509_num(chain) != 1) return refuse(Error::certificate_chain);
  auto der = to_der(leaf);
  if (!der) return refuse(der.error());
  auto key = verify_certificate(*der, session->now);
  if (!key) return refuse(key.error());
  crypto::PeerId peer = crypto::PeerId::from_public_key(*key);
  if (session->expected_remote && *session->expected_remote != peer) {
    return refuse(Error::peer_id_mismatch);
  }
  session->remote_key = std::move(*key);
  session->remote_peer = std::move(peer);
  return 1;
}

// Installed once the handshake is over: the Session the callbacks point to is gone, and TLS 1.3
// never verifies a certificate again on a session without post-handshake authentication.
int refuse_all(X509_STORE_CTX* store, void*) {
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// Server: the first protocol in the client's order of preference that we support.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void* arg) {
  auto* session = static_cast<Session*>(arg);
  ByteView list(in, in_length);  // OpenSSL has checked the list's framing
  while (!list.empty()) {
    std::size_t length = list[0];
    if (length == 0 || length >= list.size()) break;
    ByteView protocol = list.subspan(1, length);
    if (supports(*session, as_string(protocol))) {
      *out = protocol.data();
      *out_length = static_cast<unsigned char>(length);
      return SSL_TLSEXT_ERR_OK;
    }
    list = list.subspan(1 + length);
  }
  // The spec: the server MUST abort if it supports none of the client's protocols.
  session->refusal = Error::no_common_protocol;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

Bytes alpn_list(const std::vector<std::string>& muxers) {
  Bytes list;
  auto add = [&list](std::string_view protocol) {
    if (protocol.empty() || protocol.size() > kMaxAlpnProtocolBytes || protocol == kAlpn) {
      throw std::logic_error("tls: invalid muxer id for ALPN");
    }
    list.push_back(static_cast<std::uint8_t>(protocol.size()));
    append(list, as_bytes(protocol));
  };
  for (const std::string& muxer : muxers) add(muxer);
  list.push_back(static_cast<std::uint8_t>(kAlpn.size()));
  append(list, as_bytes(kAlpn));
  if (list.size() > kMaxAlpnListBytes) throw std::logic_error("tls: too many muxers for ALPN");
  return list;
}

Certificate make_or_throw(const crypto::PrivateKey& identity, WallTime now) {
  auto certificate = make_certificate(identity, now);
  if (!certificate) throw std::runtime_error("tls: cannot make a certificate");
  return std::move(*certificate);
}

SslCtxPtr make_context(Session& session, ByteView alpn) {
  SslCtxPtr context(SSL_CTX_new(TLS_method()));
  if (!context) return nullptr;
  SSL_CTX* ctx = context.get();
  // No session tickets: nothing to resume with an ephemeral certificate, and a ticket arriving
  // after the client's handshake would be stray bytes in the transport.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // Both sides must authenticate; verify_peer replaces CA-based verification, so no CA file or
  // directory is ever loaded.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, verify_peer, &session);
  SSL_CTX_set_max_cert_list(ctx, static_cast<long>(kMaxCertificateMessageBytes));
  bool ok = SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
            SSL_CTX_set_num_tickets(ctx, 0) == 1 &&
            SSL_CTX_use_certificate(ctx, session.certificate.x509()) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, session.certificate.key()) == 1 &&
            SSL_CTX_check_private_key(ctx) == 1;
  if (session.role == Role::initiator) {
    // SSL_CTX_set_alpn_protos returns 0 on success.
    ok = ok && SSL_CTX_set_alpn_protos(ctx, alpn.data(), static_cast<unsigned>(alpn.size())) == 0;
  } else {
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, &session);
  }
  return ok ? std::move(context) : nullptr;
}

}  // namespace

Handshake::Handshake(Role role, const crypto::PrivateKey& identity, std::vector<std::string> muxers,
                     std::optional<crypto::PeerId> expected_remote, WallTime now)
    : Handshake(role, make_or_throw(identity, now), std::move(muxers), std::move(expected_remote),
                now) {}

Handshake::Handshake(Role role, Certificate certificate, std::vector<std::string> muxers,
                     std::optional<crypto::PeerId> expected_remote, WallTime now)
    : role_(role) {
  Bytes alpn = alpn_list(muxers);
  session_ = std::make_unique<Session>(role, std::move(certificate), std::move(muxers),
                                       std::move(expected_remote), now);
  clear_errors();
  session_->context = make_context(*session_, alpn);
  if (session_->context) session_->ssl.reset(SSL_new(session_->context.get()));
  BioPtr network_in = make_memory_bio();
  BioPtr network_out = make_memory_bio();
  if (!session_->ssl || !network_in || !network_out) {
    clear_errors();
    throw std::runtime_error("tls: cannot set up an OpenSSL session");
  }
  // The SSL object owns both BIOs from here on.
  SSL_set_bio(session_->ssl.get(), network_in.release(), network_out.release());
  if (role_ == Role::initiator) {
    SSL_set_connect_state(session_->ssl.get());
    // The ClientHello needs no input; it waits in take_output().
    if (auto r = advance(); !r) throw std::runtime_error("tls: cannot write the ClientHello");
  } else {
    SSL_set_accept_state(session_->ssl.get());
  }
}

Handshake::Handshake(Handshake&&) noexcept = default;
Handshake& Handshake::operator=(Handshake&&) noexcept = default;
Handshake::~Handshake() = default;

Result<void> Handshake::feed(ByteView bytes) {
  if (failed_) return fail(failed_);
  if (finished_) throw std::logic_error("tls: feed() after finish()");
  if (auto r = write_bio(SSL_get_rbio(session_->ssl.get()), bytes); !r) {
    failed_ = r.error();
    return r;
  }
  // After the handshake the bytes stay in the BIO: they are the leftover.
  if (done_) return {};
  if (auto r = advance(); !r) {
    failed_ = r.error();
    return r;
  }
  return {};
}

Result<void> Handshake::advance() {
  SSL* ssl = session_->ssl.get();
  clear_errors();
  int r = SSL_do_handshake(ssl);
  // Alerts are written on failure too: the peer should learn why.
  drain_bio(SSL_get_wbio(ssl), output_);
  if (r == 1) return complete();
  int error = SSL_get_error(ssl, r);
  if (error == SSL_ERROR_WANT_READ) {
    clear_errors();
    return {};
  }
  std::error_code reason = classify_ssl_failure(error, Error::handshake_failed);
  // Record-level failures before the handshake is over are handshake failures to the caller.
  if (reason != Error::alert_received && reason != Error::internal)
    reason = Error::handshake_failed;
  if (session_->refusal) reason = session_->refusal;
  return fail(reason);
}

Result<void> Handshake::complete() {
  Session& s = *session_;
  // The minimum protocol version already refuses anything older; this guards the assumption.
  if (SSL_version(s.ssl.get()) < TLS1_3_VERSION) return fail(Error::handshake_failed);
  if (!s.remote_key || !s.remote_peer) return fail(Error::certificate_chain);
  const unsigned char* selected = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(s.ssl.get(), &selected, &length);
  if (length > 0) {
    std::string protocol(reinterpret_cast<const char*>(selected), length);
    // OpenSSL checks that a server's choice was offered; a server only chooses from `muxers`.
    if (!supports(s, protocol)) return fail(Error::handshake_failed);
    if (protocol != kAlpn) s.muxer = std::move(protocol);
  }
  done_ = true;
  return {};
}

Bytes Handshake::take_output() {
  return std::exchange(output_, {});
}

Result<HandshakeResult> Handshake::finish() {
  if (failed_) return fail(failed_);
  if (!done_ || finished_) throw std::logic_error("tls: finish() before done() or called twice");
  finished_ = true;
  Session& s = *session_;
  SSL_CTX_set_cert_verify_callback(s.context.get(), refuse_all, nullptr);
  SSL_CTX_set_alpn_select_cb(s.context.get(), nullptr, nullptr);
  Bytes leftover;
  drain_bio(SSL_get_rbio(s.ssl.get()), leftover);
  return HandshakeResult{std::move(*s.remote_peer), std::move(*s.remote_key), std::move(s.muxer),
                         SecureTransport(std::move(s.ssl)), std::move(leftover)};
}

}  // namespace meshchat::p2p::tls
