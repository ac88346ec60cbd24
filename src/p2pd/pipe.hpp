// Piping bytes both ways between a control socket and a libp2p stream, with backpressure and
// half-close passed on; an error on either side aborts both.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <memory>

#include "p2p/host/stream.hpp"

namespace meshchat::p2pd {

namespace asio = boost::asio;

// Either end of a pipe.
class Duplex {
 public:
  virtual ~Duplex() = default;
  // At least one byte; 0 once the other side has closed its write side.
  virtual asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) = 0;
  virtual asio::awaitable<Result<void>> write(ByteView data) = 0;
  // Half-close: the other side reads end-of-stream after everything written.
  virtual void close_write() = 0;
  // Abandons both directions; pending reads and writes complete with an error.
  virtual void abort() = 0;
};

class StreamDuplex final : public Duplex {
 public:
  explicit StreamDuplex(std::shared_ptr<p2p::Stream> stream) : stream_(std::move(stream)) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override {
    return stream_->read_some(out);
  }
  asio::awaitable<Result<void>> write(ByteView data) override { return stream_->write(data); }
  void close_write() override { stream_->close_write(); }
  void abort() override { stream_->reset(); }

 private:
  std::shared_ptr<p2p::Stream> stream_;
};

// A connected stream socket: TCP or Unix domain.
template <class Socket>
class SocketDuplex final : public Duplex {
 public:
  explicit SocketDuplex(Socket socket) : socket_(std::move(socket)) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override;
  asio::awaitable<Result<void>> write(ByteView data) override;
  void close_write() override {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
  }
  void abort() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  Socket socket_;
};

using TcpDuplex = SocketDuplex<asio::ip::tcp::socket>;
using UnixDuplex = SocketDuplex<asio::local::stream_protocol::socket>;
extern template class SocketDuplex<asio::ip::tcp::socket>;
extern template class SocketDuplex<asio::local::stream_protocol::socket>;

// Copies a→b and b→a until both directions have ended; returns when both are done.
asio::awaitable<void> pipe(std::shared_ptr<Duplex> a, std::shared_ptr<Duplex> b);

}  // namespace meshchat::p2pd
