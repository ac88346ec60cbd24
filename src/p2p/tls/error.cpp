#include "p2p/tls/error.hpp"

namespace meshchat::p2p::tls {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::bad_certificate:
      return "malformed tls certificate";
    case Error::bad_certificate_signature:
      return "tls certificate self-signature invalid";
    case Error::certificate_not_yet_valid:
      return "tls certificate not yet valid";
    case Error::certificate_expired:
      return "tls certificate expired";
    case Error::missing_extension:
      return "tls certificate lacks the libp2p public key extension";
    case Error::duplicate_extension:
      return "tls certificate has the libp2p public key extension twice";
    case Error::unknown_critical_extension:
      return "tls certificate has an unknown critical extension";
    case Error::bad_signed_key:
      return "malformed libp2p signed key in tls certificate";
    case Error::certificate_chain:
      return "peer did not send exactly one tls certificate";
    case Error::peer_id_mismatch:
      return "peer id mismatch";
    case Error::no_common_protocol:
      return "no common tls application protocol";
    case Error::handshake_failed:
      return "tls handshake failed";
    case Error::alert_received:
      return "peer sent a tls alert";
    case Error::decrypt_failed:
      return "tls record authentication failed";
    case Error::bad_record:
      return "malformed tls record";
    case Error::closed:
      return "peer closed the tls session";
    case Error::internal:
      return "openssl failure";
  }
  return "unknown tls error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "tls", describe)

}  // namespace meshchat::p2p::tls
