// Errors of the TLS secure channel (/tls/1.0.0, libp2p/tls/tls.md): certificates, handshake,
// records. Values are stable; never renumber. Key and signature errors keep their crypto::Error
// codes.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::tls {

enum class Error {
  bad_certificate = 1,         // not one strict-DER X.509 v3 certificate within our limits
  bad_certificate_signature,   // the certificate's self-signature does not verify
  certificate_not_yet_valid,   // notBefore is after the time of the handshake
  certificate_expired,         // notAfter is before the time of the handshake
  missing_extension,           // no libp2p Public Key Extension (1.3.6.1.4.1.53594.1.1)
  duplicate_extension,         // the libp2p Public Key Extension appears more than once
  unknown_critical_extension,  // a critical extension we do not process
  bad_signed_key,              // the extension's SignedKey is not strict DER or exceeds a limit
  certificate_chain,           // the peer sent no certificate or more than one
  peer_id_mismatch,            // the authenticated identity is not the PeerId we expected
  no_common_protocol,          // the client offered no ALPN protocol we support (we are server)
  handshake_failed,            // TLS protocol failure during the handshake (incl. not TLS 1.3)
  alert_received,              // the peer aborted with a TLS alert, e.g. it refused our certificate
  decrypt_failed,              // a record failed authentication: corrupted or forged data
  bad_record,                  // any other TLS protocol violation after the handshake
  closed,                      // the peer sent close_notify; no more data will arrive
  internal,                    // OpenSSL failed a local operation (allocation, key generation)
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::tls

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::tls::Error)
