#include "p2p/perf/common.hpp"

#include <array>
#include <cstdint>

namespace meshchat::p2p::perf {

ByteView zero_chunk() {
  static const std::array<std::uint8_t, kSendChunkBytes> zeros{};
  return zeros;
}

}  // namespace meshchat::p2p::perf
