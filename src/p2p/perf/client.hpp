// perf (/perf/1.0.0) client: send the 8-byte request and the upload, close the write side, then
// count the server's bytes until it closes. Sans-IO. Spec: libp2p/specs perf/perf.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "p2p/perf/common.hpp"
#include "p2p/perf/error.hpp"

namespace meshchat::p2p::perf {

struct ClientResult {
  std::uint64_t uploaded = 0;  // upload bytes, without the request
  std::uint64_t downloaded = 0;
  Duration upload_time{};    // from start until the last upload byte was written
  Duration download_time{};  // from then until the server closed (or `now`)
  Duration total() const { return upload_time + download_time; }
  bool operator==(const ClientResult&) const = default;
};

class Client {
 public:
  // `start`: when the stream was opened, so that the measurement includes negotiation.
  Client(std::uint64_t upload_bytes, std::uint64_t download_bytes, TimePoint start);

  // What to write next, at most `max` (> 0) bytes: the request, then zeros from the shared buffer
  // (valid until on_sent). Empty once the upload is done.
  ByteView next_send(std::size_t max = kSendChunkBytes) const;
  // `n` bytes of the last next_send() were written at `now`.
  void on_sent(std::size_t n, TimePoint now);
  // Timer-based upload: end the upload after what was already written (the request is always
  // sent whole).
  void stop_upload(TimePoint now);
  // Request and upload are written: close the write side.
  bool upload_done() const { return state_ != State::uploading; }

  // Bytes from the server. Errors (sticky): early_response, too_much_data.
  Result<void> on_bytes(ByteView in, TimePoint now);
  // The server closed. Errors: early_response, short_response (or the sticky one).
  Result<ClientResult> on_eof(TimePoint now);
  // Counts so far, for a timer-based download that ends by closing the stream.
  ClientResult progress(TimePoint now) const;

 private:
  enum class State { uploading, downloading, done, failed };
  tl::unexpected<std::error_code> fail_with(Error e);
  void finish_upload_if_complete(TimePoint now);

  State state_ = State::uploading;
  std::array<std::uint8_t, kRequestSize> request_{};
  std::size_t request_sent_ = 0;
  std::uint64_t upload_target_;
  std::uint64_t download_target_;
  TimePoint start_;
  TimePoint upload_end_{};
  ClientResult result_;
  std::error_code error_;
};

}  // namespace meshchat::p2p::perf
