// The libp2p TLS handshake, protocol id `/tls/1.0.0` (libp2p/tls/tls.md, with muxer selection by
// ALPN from libp2p/connections/inlined-muxer-negotiation.md). TLS 1.3 on OpenSSL; sans-IO.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/tls/certificate.hpp"
#include "p2p/tls/transport.hpp"

namespace meshchat::p2p::tls {

inline constexpr std::string_view kProtocolId = "/tls/1.0.0";
// The ALPN protocol every libp2p TLS endpoint offers last; selecting it means the muxer is
// negotiated with multistream-select after the handshake.
inline constexpr std::string_view kAlpn = "libp2p";
// ALPN ProtocolName is opaque<1..2^8-1> (RFC 7301 §3.1).
inline constexpr std::size_t kMaxAlpnProtocolBytes = 255;
// The peer's Certificate message: one certificate (kMaxCertificateBytes) plus TLS framing and
// per-entry extensions; OpenSSL refuses a longer one before parsing it.
inline constexpr std::size_t kMaxCertificateMessageBytes = kMaxCertificateBytes + 1024;

// Initiator = TLS client, responder = TLS server.
enum class Role { initiator, responder };

struct HandshakeResult {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  // The stream muxer selected by ALPN; nullopt if "libp2p" (or nothing) was selected, in which
  // case the muxer is negotiated with multistream-select after the handshake.
  std::optional<std::string> muxer;
  SecureTransport transport;
  // Records that arrived behind the handshake's last record; decrypt them first.
  Bytes leftover;
};

// TLS 1.3 handshake with mutual authentication; each side presents a certificate from
// make_certificate() and checks the peer's with verify_certificate() at `now`:
//   initiator: ClientHello (ALPN: muxers..., "libp2p")       (ready after construction)
//   responder: ServerHello ... Certificate, CertificateVerify, Finished (ALPN: first supported)
//   initiator: Certificate, CertificateVerify, Finished      (done on the initiator)
// The initiator is done before the responder has checked its certificate; a refusal then shows up
// as alert_received from SecureTransport::decrypt(). No session tickets, resumption, early data,
// SNI or CA files.
// Documented errors from feed(): tls::Error bad_certificate ... no_common_protocol,
// handshake_failed, alert_received and internal, and crypto::Error unsupported_key_type, bad_key,
// bad_key_protobuf and bad_signature for the peer's identity. After an error the handshake is over
// and feed() keeps returning that error; take_output() still yields the alert telling the peer.
class Handshake {
 public:
  // `muxers` in order of preference (may be empty). `expected_remote` is the PeerId being dialled
  // (initiator) or an allow-listed one (responder). `now` is the wall-clock time at which
  // certificates must be valid. Throws std::logic_error for a muxer id that is empty, longer than
  // kMaxAlpnProtocolBytes or "libp2p"; std::runtime_error if OpenSSL cannot set up the session.
  Handshake(Role role, const crypto::PrivateKey& identity, std::vector<std::string> muxers,
            std::optional<crypto::PeerId> expected_remote, WallTime now);
  // The same with a certificate made earlier by make_certificate(): the spec allows reusing one.
  Handshake(Role role, Certificate certificate, std::vector<std::string> muxers,
            std::optional<crypto::PeerId> expected_remote, WallTime now);
  Handshake(Handshake&&) noexcept;
  Handshake& operator=(Handshake&&) noexcept;
  ~Handshake();

  // Accepts the peer's TLS records in any chunking; partial records are buffered. Bytes after
  // the handshake's last record, in this call or later ones before finish(), go to leftover.
  Result<void> feed(ByteView bytes);
  // TLS records to send, in order.
  Bytes take_output();
  bool done() const { return done_; }
  // Once done(): moves the result out (a second call is a bug, as is calling before done()).
  // After a failure it returns that failure.
  Result<HandshakeResult> finish();

  struct Session;  // OpenSSL state shared with the verify and ALPN callbacks

 private:
  Result<void> advance();
  Result<void> complete();

  Role role_;
  std::unique_ptr<Session> session_;
  Bytes output_;
  std::error_code failed_;
  bool done_ = false;
  bool finished_ = false;  // finish() has moved the result out
};

}  // namespace meshchat::p2p::tls
