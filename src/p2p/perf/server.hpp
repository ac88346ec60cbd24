// perf (/perf/1.0.0) server: read the 8-byte request, discard the upload until EOF, then send
// the requested number of bytes and close. Sans-IO. Spec: libp2p/specs perf/perf.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/perf/common.hpp"
#include "p2p/perf/error.hpp"

namespace meshchat::p2p::perf {

// Sending is the server's cost, so the request is capped: 16 GiB keeps one stream's uplink busy
// for about two minutes at 1 Gbit/s and covers the sizes of the libp2p perf suite (100 MB).
// The spec's timer-based download asks for 2^64 - 1 and closes when its timer fires; serving it
// needs an explicit max_response_bytes = UINT64_MAX (perf runs only for trusted peers anyway).
inline constexpr std::uint64_t kDefaultMaxResponseBytes = std::uint64_t{16} << 30;

struct ServerConfig {
  std::uint64_t max_response_bytes = kDefaultMaxResponseBytes;
};

class Server {
 public:
  explicit Server(ServerConfig config = {}) : config_(config) {}

  // Bytes from the client, any chunking. Errors (sticky): request_too_large.
  Result<void> on_bytes(ByteView in);
  // The client closed its write side. Errors: truncated_request (or the sticky one).
  Result<void> on_eof();
  // What to write next, at most `max` (> 0) bytes, from the shared zero buffer (valid until
  // on_sent). Empty until EOF and once everything is sent.
  ByteView next_send(std::size_t max = kSendChunkBytes) const;
  // `n` bytes of the last next_send() were written.
  void on_sent(std::size_t n);
  // Everything requested was sent: close the stream.
  bool finished() const { return state_ == State::done; }
  std::uint64_t uploaded() const { return uploaded_; }

 private:
  enum class State { reading_request, discarding_upload, sending, done, failed };

  ServerConfig config_;
  State state_ = State::reading_request;
  std::array<std::uint8_t, kRequestSize> request_{};
  std::size_t request_received_ = 0;
  std::uint64_t to_send_ = 0;  // bytes still to send
  std::uint64_t uploaded_ = 0;
  std::error_code error_;
};

}  // namespace meshchat::p2p::perf
