#include "crypto/hash.hpp"

#include <sodium.h>

namespace meshchat::crypto {

Sha256Digest sha256(ByteView data) {
  Sha256Digest out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

}  // namespace meshchat::crypto
