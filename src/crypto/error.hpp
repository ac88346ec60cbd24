// Errors of the crypto layer: key encodings, signatures and PeerIds.
// Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::crypto {

enum class Error {
  unsupported_key_type = 1,  // a key type this build cannot use (message names it)
  bad_key,                   // key bytes malformed or of the wrong length
  bad_key_protobuf,          // PublicKey/PrivateKey protobuf malformed
  bad_signature,             // signature does not verify
  bad_peer_id,               // PeerId bytes or text malformed
  peer_id_mismatch,          // a remote key does not match the expected PeerId
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

}  // namespace meshchat::crypto

MESHCHAT_REGISTER_ERROR_CODE(meshchat::crypto::Error)
