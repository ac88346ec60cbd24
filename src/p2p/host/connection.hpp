// Connection: one upgraded libp2p connection (TCP + Noise + yamux) and its I/O loops.
// It owns the socket, the cipher states and the yamux session; streams are its children.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/multiaddr.hpp"
#include "core/time.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/host/channel_cipher.hpp"
#include "p2p/host/stream.hpp"
#include "p2p/tcp/transport.hpp"
#include "p2p/yamux/session.hpp"

namespace meshchat::p2p {

struct ConnectionInfo {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  Multiaddr local_address;
  Multiaddr remote_address;
  Direction direction;
  std::string security;  // "/noise", "/tls/1.0.0" or "/plaintext/2.0.0"
  std::string muxer;     // "/yamux/1.0.0"
  TimePoint opened;
};

// What a Connection tells its owner (the Host).
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  virtual void on_inbound_stream(std::shared_ptr<Stream> stream) = 0;
  virtual void on_connection_closed(const std::shared_ptr<Connection>& connection,
                                    std::error_code reason) = 0;
};

class Connection final : public std::enable_shared_from_this<Connection> {
 public:
  // Above this many bytes queued for the socket, stream writers wait: bounds memory per
  // connection no matter how large the peer's windows are.
  static constexpr std::size_t kOutputHighWater = 4 * 1024 * 1024;

  Connection(tcp::Socket socket, ChannelCipher transport, Bytes early_plaintext, yamux::Role role,
             yamux::Config config, ConnectionInfo info, ConnectionObserver& observer);

  // Starts the reader, writer and keepalive loops.
  void start();
  Result<std::shared_ptr<Stream>> open_stream();
  // Sends GoAway, flushes what is queued (bounded by a short timer) and closes the socket.
  void close(std::error_code reason = {});
  bool is_open() const { return !closed_; }

  const ConnectionInfo& info() const { return info_; }
  std::size_t stream_count() const { return streams_.size(); }
  std::optional<Duration> rtt() const { return rtt_; }
  const asio::any_io_executor& executor() const { return executor_; }

  // Used by Stream.
  std::size_t stream_write(yamux::StreamId id, ByteView data);
  void stream_close_write(yamux::StreamId id);
  void stream_reset(yamux::StreamId id);
  void stream_consumed(yamux::StreamId id, std::size_t n);
  bool output_full() const { return queued_bytes_ >= kOutputHighWater; }
  asio::awaitable<void> wait_output_drained() { co_await drained_.wait(); }

 private:
  static asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  static asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  static asio::awaitable<void> timer_loop(std::shared_ptr<Connection> self);
  Result<void> feed_plaintext(ByteView plaintext);
  void dispatch(yamux::Event event);
  void wake_writer();
  void fail_connection(std::error_code reason);

  asio::any_io_executor executor_;
  tcp::Socket socket_;
  ChannelCipher transport_;
  Bytes early_plaintext_;
  yamux::Session session_;
  ConnectionInfo info_;
  ConnectionObserver& observer_;
  std::map<yamux::StreamId, std::weak_ptr<Stream>> streams_;
  Signal output_ready_;
  Signal drained_;
  asio::steady_timer keepalive_timer_;
  asio::steady_timer close_timer_;
  std::size_t queued_bytes_ = 0;  // session output taken but not yet written
  std::optional<Duration> rtt_;
  bool closed_ = false;
  bool closing_ = false;  // GoAway queued; the writer closes the socket once flushed
  bool notified_close_ = false;
};

}  // namespace meshchat::p2p
