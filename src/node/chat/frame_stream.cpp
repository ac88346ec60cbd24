#include "node/chat/frame_stream.hpp"

#include "chat/wire/error.hpp"
#include "p2p/host/connection.hpp"

namespace meshchat::node {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

FrameStream::FrameStream(std::shared_ptr<p2p::Stream> stream, std::size_t max_frame)
    : stream_(std::move(stream)),
      reader_(max_frame, make_error_code(chat::wire::WireError::too_large)),
      write_done_(stream_->connection().executor()),
      buffer_(kReadChunk) {}

p2p::asio::awaitable<Result<std::optional<Bytes>>> FrameStream::read() {
  for (;;) {
    auto frame = reader_.next();
    if (!frame) co_return fail(frame.error());
    if (*frame) co_return std::move(*frame);
    auto n = co_await stream_->read_some(buffer_);
    if (!n) co_return fail(n.error());
    if (*n == 0) {
      if (reader_.in_message()) co_return fail(chat::wire::WireError::malformed);
      co_return std::optional<Bytes>{};
    }
    if (auto fed = reader_.feed(ByteView(buffer_.data(), *n)); !fed) co_return fail(fed.error());
  }
}

p2p::asio::awaitable<Result<void>> FrameStream::write(ByteView body) {
  auto framed = length_prefixed(body);
  co_return co_await write_framed(std::move(framed));
}

p2p::asio::awaitable<Result<void>> FrameStream::write_framed(Bytes framed) {
  while (writing_) co_await write_done_.wait();
  writing_ = true;
  auto written = co_await stream_->write(framed);
  writing_ = false;
  write_done_.notify();
  co_return written;
}

p2p::asio::awaitable<Result<void>> FrameStream::write_all(const std::vector<Bytes>& bodies) {
  Bytes out;
  for (const auto& body : bodies) {
    auto framed = length_prefixed(body);
    out.insert(out.end(), framed.begin(), framed.end());
  }
  co_return co_await write_framed(std::move(out));
}

}  // namespace meshchat::node
