// A libp2p stream carrying varint length-prefixed frames, as meshchat's chat protocols use:
// whole frames in and out, and the frames that already arrived, for batching.
#pragma once

#include <memory>
#include <optional>

#include "core/length_prefixed.hpp"
#include "p2p/host/stream.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::node {

class FrameStream {
 public:
  FrameStream(std::shared_ptr<p2p::Stream> stream, std::size_t max_frame);

  // The next frame; nullopt when the peer closed its side between frames. A close inside a
  // frame is an error (truncated), as is a frame above max_frame.
  p2p::asio::awaitable<Result<std::optional<Bytes>>> read();
  // A frame that is already complete in the buffer, without waiting for the network.
  Result<std::optional<Bytes>> read_buffered() { return reader_.next(); }

  p2p::asio::awaitable<Result<void>> write(ByteView body);
  // Several frames in one write (one yamux frame run, one syscall when the window allows).
  p2p::asio::awaitable<Result<void>> write_all(const std::vector<Bytes>& bodies);

  p2p::Stream& stream() { return *stream_; }
  const std::shared_ptr<p2p::Stream>& shared() const { return stream_; }

 private:
  p2p::asio::awaitable<Result<void>> write_framed(Bytes framed);

  std::shared_ptr<p2p::Stream> stream_;
  LengthPrefixedReader reader_;
  // Writers take turns: two coroutines writing at once could interleave partial frames.
  bool writing_ = false;
  p2p::Signal write_done_;
  Bytes buffer_;
};

}  // namespace meshchat::node
