#include "p2pd/pipe.hpp"

#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace meshchat::p2pd {

namespace {

using p2p::use_nothrow;

// One read in flight per direction: large enough for throughput, small enough that a slow
// reader on the other side holds back at most this much per pipe.
constexpr std::size_t kPipeChunk = 64 * 1024;

asio::awaitable<void> copy(std::shared_ptr<Duplex> from, std::shared_ptr<Duplex> to) {
  std::vector<std::uint8_t> buffer(kPipeChunk);
  for (;;) {
    auto n = co_await from->read_some(buffer);
    if (!n) break;
    if (*n == 0) {
      to->close_write();
      co_return;
    }
    if (auto w = co_await to->write(ByteView(buffer.data(), *n)); !w) break;
  }
  from->abort();
  to->abort();
}

}  // namespace

template <class Socket>
asio::awaitable<Result<std::size_t>> SocketDuplex<Socket>::read_some(std::span<std::uint8_t> out) {
  auto [ec, n] =
      co_await socket_.async_read_some(asio::buffer(out.data(), out.size()), use_nothrow);
  if (ec == asio::error::eof) co_return 0;
  if (ec) co_return fail(std::error_code(ec));
  co_return n;
}

template <class Socket>
asio::awaitable<Result<void>> SocketDuplex<Socket>::write(ByteView data) {
  auto [ec, n] =
      co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), use_nothrow);
  (void)n;
  if (ec) co_return fail(std::error_code(ec));
  co_return Result<void>{};
}

template class SocketDuplex<asio::ip::tcp::socket>;
template class SocketDuplex<asio::local::stream_protocol::socket>;

asio::awaitable<void> pipe(std::shared_ptr<Duplex> a, std::shared_ptr<Duplex> b) {
  using namespace asio::experimental::awaitable_operators;
  co_await (copy(a, b) && copy(b, a));
}

}  // namespace meshchat::p2pd
