// Fuzzes verify_certificate (/tls/1.0.0, libp2p/tls/tls.md "Peer Authentication") on arbitrary
// DER: only documented errors may come out, and an accepted certificate gives the same key twice.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "crypto/error.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/tls/certificate.hpp"
#include "p2p/tls/error.hpp"

namespace {

using namespace meshchat;
using namespace meshchat::p2p::tls;

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented(std::error_code ec) {
  if (ec.category() == error_category()) {
    return ec.value() >= static_cast<int>(Error::bad_certificate) &&
           ec.value() <= static_cast<int>(Error::bad_signed_key);
  }
  return ec == crypto::Error::unsupported_key_type || ec == crypto::Error::bad_key ||
         ec == crypto::Error::bad_key_protobuf || ec == crypto::Error::bad_signature;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Inside the spec vectors' validity (1975 to 4096) and that of any certificate made recently.
  const WallTime now = std::chrono::sys_days{std::chrono::year{2024} / 6 / 1};
  ByteView der(data, size);
  auto key = verify_certificate(der, now);
  if (!key) {
    check(documented(key.error()));
    return 0;
  }
  auto again = verify_certificate(der, now);
  check(again.has_value() && *again == *key);
  (void)crypto::PeerId::from_public_key(*key);
  return 0;
}
