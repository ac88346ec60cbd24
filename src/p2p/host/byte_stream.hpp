// ByteStream: the reliable, ordered byte pipe that protocol negotiation and handlers run over,
// whether it is a raw TCP socket during the upgrade or a yamux stream afterwards.
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::p2p {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads at least one byte; 0 means the peer closed its write side.
  virtual asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) = 0;
  // Writes everything or fails; waits while the peer's window or our buffers are full.
  virtual asio::awaitable<Result<void>> write(ByteView data) = 0;
  // Returns bytes that were read ahead to the front of the stream.
  virtual void unread(Bytes bytes) = 0;
};

// Reads exactly out.size() bytes; tcp::Error::connection_closed if the stream ends first.
asio::awaitable<Result<void>> read_exactly(ByteStream& stream, std::span<std::uint8_t> out);

// Reads until the peer closes its write side; fails with `too_large` past `limit` bytes.
asio::awaitable<Result<Bytes>> read_to_end(ByteStream& stream, std::size_t limit,
                                           std::error_code too_large);

}  // namespace meshchat::p2p
