#include "p2p/host/echo_service.hpp"

namespace meshchat::p2p {

namespace {
constexpr std::size_t kEchoChunk = 64 * 1024;
}

asio::awaitable<void> EchoService::handle(std::shared_ptr<Stream> stream) {
  Bytes buffer(kEchoChunk);
  for (;;) {
    auto n = co_await stream->read_some(buffer);
    if (!n) co_return stream->reset();
    if (*n == 0) break;
    if (auto written = co_await stream->write(ByteView(buffer.data(), *n)); !written) {
      co_return stream->reset();
    }
  }
  stream->close_write();
}

}  // namespace meshchat::p2p
