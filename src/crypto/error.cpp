#include "crypto/error.hpp"

namespace meshchat::crypto {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::unsupported_key_type:
      return "unsupported key type";
    case Error::bad_key:
      return "malformed key";
    case Error::bad_key_protobuf:
      return "malformed key protobuf";
    case Error::bad_signature:
      return "invalid signature";
    case Error::bad_peer_id:
      return "malformed peer id";
    case Error::peer_id_mismatch:
      return "peer id mismatch";
  }
  return "unknown crypto error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "crypto", describe)

}  // namespace meshchat::crypto
