// perf (/perf/1.0.0): constants and the shared zero buffer both sides send from.
// Spec: libp2p/specs perf/perf.md.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/bytes.hpp"

namespace meshchat::p2p::perf {

inline constexpr std::string_view kProtocolId = "/perf/1.0.0";
// The request: how many bytes the client wants back, a big-endian uint64.
inline constexpr std::size_t kRequestSize = 8;
// The largest slice next_send() hands out: big enough that per-write overhead vanishes at
// 10 Gbit/s, small enough to stay one static buffer. The spec allows any fixed content; zeros
// cost nothing to produce.
inline constexpr std::size_t kSendChunkBytes = 64 * 1024;

// kSendChunkBytes zero bytes, valid for the program's lifetime.
ByteView zero_chunk();

}  // namespace meshchat::p2p::perf
