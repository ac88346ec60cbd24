// Errors of the Noise secure channel (/noise, libp2p/noise/README.md): framing, AEAD, payloads.
// Values are stable; never renumber. Key and signature errors keep their crypto::Error codes.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::p2p::noise {

enum class Error {
  bad_frame = 1,     // a message too short for the keys and tag its pattern or framing requires
  decrypt_failed,    // AEAD authentication failed: corrupted, forged or replayed data
  nonce_exhausted,   // 2^64 - 1 messages under one key; the connection must end (Noise §5.1)
  weak_public_key,   // the peer's X25519 key gave an all-zero shared secret (RFC 7748 §6.1)
  bad_payload,       // handshake payload protobuf malformed, over a limit, or missing its identity
  peer_id_mismatch,  // the authenticated identity is not the PeerId we expected
  no_common_muxer,   // both sides offered stream muxers and none is shared
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::p2p::noise

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2p::noise::Error)
