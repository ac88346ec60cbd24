// Feeds arbitrary bytes to the mDNS DNS message decoder. Aborts on an undocumented error, or if a
// decoded message does not survive encode then decode unchanged (and re-encode byte for byte).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "p2p/mdns/dns_message.hpp"

namespace mdns = meshchat::p2p::mdns;
using meshchat::ByteView;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented(const std::error_code& ec) {
  return ec.category() == mdns::error_category() &&
         ec.value() >= static_cast<int>(mdns::Error::truncated) &&
         ec.value() <= static_cast<int>(mdns::Error::bad_record);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = mdns::decode(ByteView(data, size));
  if (!decoded) {
    check(documented(decoded.error()));
    return 0;
  }
  auto encoded = mdns::encode(*decoded);
  if (!encoded) {
    // The input may have shared bytes our encoder cannot (pointers into rdata, say), so its
    // re-encoding can outgrow the limit; nothing else may fail.
    check(encoded.error() == mdns::make_error_code(mdns::Error::message_too_large));
    return 0;
  }
  check(encoded->size() <= mdns::kMaxMessageBytes);
  auto again = mdns::decode(*encoded);
  check(again.has_value() && *again == *decoded);
  auto re_encoded = mdns::encode(*again);
  check(re_encoded.has_value() && *re_encoded == *encoded);
  return 0;
}
