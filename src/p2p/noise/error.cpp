#include "p2p/noise/error.hpp"

namespace meshchat::p2p::noise {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::bad_frame:
      return "noise message too short";
    case Error::decrypt_failed:
      return "noise decryption failed";
    case Error::nonce_exhausted:
      return "noise nonce exhausted";
    case Error::weak_public_key:
      return "noise peer sent a low-order X25519 key";
    case Error::bad_payload:
      return "malformed noise handshake payload";
    case Error::peer_id_mismatch:
      return "peer id mismatch";
    case Error::no_common_muxer:
      return "no common stream muxer";
  }
  return "unknown noise error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "noise", describe)

}  // namespace meshchat::p2p::noise
