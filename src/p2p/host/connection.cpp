#include "p2p/host/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>

#include "p2p/host/error.hpp"

namespace meshchat::p2p {

namespace {
// One read gathers up to this much ciphertext: several Noise frames per syscall at full speed.
constexpr std::size_t kReadBufferSize = 256 * 1024;
// After close(), queued frames (GoAway, final data) get this long to reach the socket.
constexpr Duration kCloseFlushTimeout = std::chrono::seconds(1);

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

Connection::Connection(tcp::Socket socket, ChannelCipher transport, Bytes early_plaintext,
                       yamux::Role role, yamux::Config config, ConnectionInfo info,
                       ConnectionObserver& observer)
    : executor_(socket.get_executor()),
      socket_(std::move(socket)),
      transport_(std::move(transport)),
      early_plaintext_(std::move(early_plaintext)),
      session_(role, config, Clock::now()),
      info_(std::move(info)),
      observer_(observer),
      output_ready_(executor_),
      drained_(executor_),
      keepalive_timer_(executor_),
      close_timer_(executor_) {}

void Connection::start() {
  auto self = shared_from_this();
  asio::co_spawn(executor_, read_loop(self), asio::detached);
  asio::co_spawn(executor_, write_loop(self), asio::detached);
  asio::co_spawn(executor_, timer_loop(self), asio::detached);
}

Result<std::shared_ptr<Stream>> Connection::open_stream() {
  if (closed_ || closing_) return fail(HostError::connection_closed);
  auto id = session_.open_stream();
  if (!id) return fail(id.error());
  auto stream = std::make_shared<Stream>(shared_from_this(), *id, Direction::outbound);
  streams_[*id] = stream;
  wake_writer();
  return stream;
}

void Connection::close(std::error_code reason) {
  if (closed_ || closing_) return;
  closing_ = true;
  session_.go_away(0);
  for (auto& [id, weak] : streams_) {
    if (auto stream = weak.lock()) {
      stream->on_connection_closed(reason ? reason : make_error_code(HostError::connection_closed));
    }
  }
  wake_writer();
  // The writer closes the socket after flushing; this timer bounds how long that may take.
  keepalive_timer_.cancel();
  close_timer_.expires_after(kCloseFlushTimeout);
  close_timer_.async_wait([self = shared_from_this(), reason](boost::system::error_code) {
    self->fail_connection(reason ? reason : make_error_code(HostError::connection_closed));
  });
}

std::size_t Connection::stream_write(yamux::StreamId id, ByteView data) {
  if (closed_ || closing_) return 0;
  std::size_t n = session_.write(id, data);
  if (n > 0) wake_writer();
  return n;
}

void Connection::stream_close_write(yamux::StreamId id) {
  if (closed_) return;
  session_.close_write(id);
  wake_writer();
}

void Connection::stream_reset(yamux::StreamId id) {
  if (closed_) return;
  session_.reset(id);  // the session reports nothing more for this stream
  streams_.erase(id);
  wake_writer();
}

void Connection::stream_consumed(yamux::StreamId id, std::size_t n) {
  if (closed_) return;
  session_.consumed(id, n, Clock::now());
  if (session_.has_output()) wake_writer();
}

void Connection::wake_writer() {
  output_ready_.notify();
}

Result<void> Connection::feed_plaintext(ByteView plaintext) {
  if (plaintext.empty()) return {};
  auto fed = session_.feed(plaintext, Clock::now());
  while (auto event = session_.next_event()) dispatch(std::move(*event));
  if (session_.has_output()) wake_writer();
  return fed;
}

void Connection::dispatch(yamux::Event event) {
  auto find = [this](yamux::StreamId id) -> std::shared_ptr<Stream> {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.lock();
  };
  std::visit(Overloaded{
                 [&](yamux::StreamOpened& e) {
                   if (closing_) {
                     session_.reset(e.id);
                     return;
                   }
                   auto stream =
                       std::make_shared<Stream>(shared_from_this(), e.id, Direction::inbound);
                   streams_[e.id] = stream;
                   observer_.on_inbound_stream(std::move(stream));
                 },
                 [&](yamux::StreamData& e) {
                   if (auto stream = find(e.id)) {
                     stream->on_data(std::move(e.data));
                   } else {
                     // Nobody will read this stream any more: release the window and refuse the
                     // rest.
                     session_.consumed(e.id, e.data.size(), Clock::now());
                     session_.reset(e.id);
                   }
                 },
                 [&](yamux::StreamWritable& e) {
                   if (auto stream = find(e.id)) stream->on_writable();
                 },
                 [&](yamux::StreamRemoteClosed& e) {
                   if (auto stream = find(e.id)) stream->on_remote_close();
                 },
                 [&](yamux::StreamReset& e) {
                   if (auto stream = find(e.id)) stream->on_reset();
                   streams_.erase(e.id);
                 },
                 [&](yamux::StreamClosed& e) { streams_.erase(e.id); },
                 [&](yamux::GoAwayReceived&) {},
                 [&](yamux::PingRtt& e) { rtt_ = e.rtt; },
             },
             event);
}

asio::awaitable<void> Connection::read_loop(std::shared_ptr<Connection> self) {
  if (auto fed = self->feed_plaintext(self->early_plaintext_); !fed) {
    co_return self->fail_connection(fed.error());
  }
  self->early_plaintext_ = {};
  Bytes ciphertext(kReadBufferSize);
  Bytes plaintext;
  plaintext.reserve(kReadBufferSize);
  while (!self->closed_) {
    auto [ec, n] = co_await self->socket_.async_read_some(asio::buffer(ciphertext), use_nothrow);
    if (ec) {
      co_return self->fail_connection(ec == asio::error::eof
                                          ? make_error_code(HostError::connection_closed)
                                          : std::error_code(ec));
    }
    plaintext.clear();
    if (auto decrypted = self->transport_.decrypt(ByteView(ciphertext.data(), n), plaintext);
        !decrypted) {
      co_return self->fail_connection(decrypted.error());
    }
    if (auto fed = self->feed_plaintext(plaintext); !fed) {
      // The session queued a GoAway naming the protocol error; give it a moment to go out.
      co_return self->close(fed.error());
    }
  }
}

asio::awaitable<void> Connection::write_loop(std::shared_ptr<Connection> self) {
  Bytes wire;
  while (!self->closed_) {
    if (!self->session_.has_output()) {
      if (self->closing_) break;
      co_await self->output_ready_.wait();
      continue;
    }
    Bytes output = self->session_.take_output();
    self->queued_bytes_ = output.size();
    wire.clear();
    if (auto r = self->transport_.encrypt(output, wire); !r) {
      co_return self->fail_connection(r.error());
    }
    auto [ec, n] = co_await asio::async_write(self->socket_, asio::buffer(wire), use_nothrow);
    self->queued_bytes_ = 0;
    self->drained_.notify();
    if (ec) co_return self->fail_connection(ec);
  }
  if (self->closing_) self->fail_connection(make_error_code(HostError::connection_closed));
}

asio::awaitable<void> Connection::timer_loop(std::shared_ptr<Connection> self) {
  while (!self->closed_ && !self->closing_) {
    auto next = self->session_.next_timer();
    self->keepalive_timer_.expires_at(next ? *next : Clock::now() + std::chrono::seconds(60));
    co_await self->keepalive_timer_.async_wait(use_nothrow);
    if (self->closed_ || self->closing_) break;
    self->session_.on_timer(Clock::now());
    if (auto status = self->session_.status(); !status) {
      co_return self->fail_connection(status.error());
    }
    if (self->session_.has_output()) self->wake_writer();
  }
}

void Connection::fail_connection(std::error_code reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::Socket::shutdown_both, ignored);
  socket_.close(ignored);
  keepalive_timer_.cancel();
  close_timer_.cancel();
  output_ready_.notify();
  drained_.notify();
  auto streams = std::move(streams_);
  for (auto& [id, weak] : streams) {
    if (auto stream = weak.lock()) stream->on_connection_closed(reason);
  }
  if (!notified_close_) {
    notified_close_ = true;
    observer_.on_connection_closed(shared_from_this(), reason);
  }
}

}  // namespace meshchat::p2p
