// Fuzzes the yamux header codec: only documented errors, and every accepted header re-encodes
// to exactly its input (so decode(encode(decode(x))) == decode(x)).
#include <algorithm>
#include <cstdlib>

#include "p2p/yamux/frame.hpp"

using namespace meshchat;
using namespace meshchat::p2p::yamux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (std::size_t off = 0; off + kHeaderSize <= size; ++off) {
    std::span<const std::uint8_t, kHeaderSize> in(data + off, kHeaderSize);
    auto header = decode(in);
    if (!header) {
      const bool documented =
          header.error() == Error::bad_version || header.error() == Error::bad_type;
      const bool justified = in[0] != kVersion || in[1] > static_cast<std::uint8_t>(Type::go_away);
      if (!documented || !justified) std::abort();
      continue;
    }
    auto encoded = encode(*header);
    if (!std::equal(encoded.begin(), encoded.end(), in.begin())) std::abort();
    auto again = decode(encoded);
    if (!again || *again != *header) std::abort();
    Bytes appended;
    encode(*header, appended);
    if (!std::equal(appended.begin(), appended.end(), encoded.begin(), encoded.end())) std::abort();
  }
  return 0;
}
