// Stream: one yamux stream of a Connection, as a ByteStream for protocol handlers.
// Inbound bytes queue here until read; writes wait for the peer's window (backpressure).
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "crypto/peer_id.hpp"
#include "p2p/host/byte_stream.hpp"
#include "p2p/multistream/dialer.hpp"
#include "p2p/yamux/session.hpp"

namespace meshchat::p2p {

class Connection;

enum class Direction { inbound, outbound };

class Stream final : public ByteStream {
 public:
  Stream(std::shared_ptr<Connection> connection, yamux::StreamId id, Direction direction);
  // A stream dropped before its write side was closed is reset, so the peer is not left waiting.
  ~Stream() override;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override;
  asio::awaitable<Result<void>> write(ByteView data) override;
  void unread(Bytes bytes) override;
  // Half-closes: the peer reads end-of-stream once it has everything we wrote.
  void close_write();
  // Abandons the stream in both directions (yamux RST).
  void reset();

  yamux::StreamId id() const { return id_; }
  Direction direction() const { return direction_; }
  const crypto::PeerId& remote_peer() const;
  Connection& connection() { return *connection_; }
  const std::string& protocol() const { return protocol_; }
  // Received bytes not yet read (bounded by the yamux receive window).
  std::size_t buffered() const;
  void set_protocol(std::string protocol) { protocol_ = std::move(protocol); }

  // The protocol was proposed lazily: the listener's echo is checked before the first read.
  void expect_lazy_confirmation(multistream::Dialer dialer) { lazy_.emplace(std::move(dialer)); }

  // Called by the Connection as yamux events arrive.
  void on_data(Bytes data);
  void on_remote_close();
  void on_reset();
  void on_writable();
  void on_connection_closed(std::error_code reason);

 private:
  std::error_code broken() const;
  asio::awaitable<Result<std::size_t>> read_available(std::span<std::uint8_t> out);

  std::shared_ptr<Connection> connection_;
  yamux::StreamId id_;
  Direction direction_;
  std::string protocol_;
  std::deque<Bytes> inbound_;
  std::size_t front_offset_ = 0;  // bytes of inbound_.front() already read
  Bytes unread_;                  // read-ahead returned by negotiation; not flow-controlled
  std::optional<multistream::Dialer> lazy_;
  bool remote_closed_ = false;
  bool local_closed_ = false;
  bool reset_ = false;
  std::error_code connection_error_;
  Signal readable_;
  Signal writable_;
};

}  // namespace meshchat::p2p
