// Fuzzes the Noise handshake payload decoder: only bad_payload may come out, and decode, encode,
// decode gives the same payload and the same bytes.
#include <cstdint>
#include <cstdlib>

#include "p2p/noise/error.hpp"
#include "p2p/noise/payload.hpp"

using namespace meshchat;
using namespace meshchat::p2p::noise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_payload(ByteView(data, size));
  if (!decoded) {
    if (decoded.error() != Error::bad_payload) std::abort();
    return 0;
  }
  Bytes encoded = encode_payload(*decoded);
  if (encoded.size() > size) std::abort();  // skipped fields and duplicates only shrink it
  auto again = decode_payload(encoded);
  if (!again || *again != *decoded) std::abort();
  if (encode_payload(*again) != encoded) std::abort();
  return 0;
}
