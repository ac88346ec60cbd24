// yamux (/yamux/1.0.0) session: a sans-IO stream multiplexer. Bytes and time in, events and
// bytes out. Spec: specs/yamux/hashicorp-spec.md; libp2p notes in specs/libp2p/yamux/README.md.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <variant>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "p2p/yamux/error.hpp"
#include "p2p/yamux/frame.hpp"
#include "p2p/yamux/stream.hpp"

namespace meshchat::p2p::yamux {

// The libp2p spec: implementations SHOULD allow at most 256 of their own streams to await an
// ACK, so that a peer that stops reading cannot make us pile up streams.
inline constexpr std::size_t kMaxAckBacklog = 256;

// Round trip assumed for window auto-tuning until our first ping returns. A typical WAN round
// trip; guessing high only lets windows grow sooner, and they stay under max_stream_window.
inline constexpr Duration kDefaultRtt = std::chrono::milliseconds(100);

enum class Role { client, server };  // the client opens odd stream ids, the server even ones

struct Config {
  // Receive window granted to each new stream. The spec fixes the starting point at 256 KiB
  // and offers no way to shrink, so smaller values are rejected.
  std::uint32_t initial_window = kInitialWindow;
  // Auto-tuning ceiling, as in go-libp2p and rust-libp2p: 16 MiB covers 1 Gbit/s at 130 ms RTT
  // on one stream while bounding what one stream can make us buffer.
  std::uint32_t max_stream_window = 16 * 1024 * 1024;
  // Open streams per connection, both directions together (go-yamux's default is 1000 per
  // direction; 512 total suits a chat node and bounds per-connection memory).
  std::size_t max_streams = 512;
  // Largest data payload we emit. 16 KiB as in rust-yamux: the 12-byte header costs 0.07%,
  // and other streams wait for at most 16 KiB of one bulk stream's bytes on the wire.
  std::size_t max_frame_payload = 16 * 1024;
  Duration keepalive_interval = std::chrono::seconds(30);  // go-yamux and rust-libp2p defaults
  // Half the interval: an unanswered ping is detected before the next one is due, and 15 s
  // still tolerates a congested mobile uplink.
  Duration keepalive_timeout = std::chrono::seconds(15);
};

struct StreamOpened {  // the peer opened a stream (SYN received)
  StreamId id;
  bool operator==(const StreamOpened&) const = default;
};
struct StreamData {  // payload for the application; acknowledge with consumed()
  StreamId id;
  Bytes data;
  bool operator==(const StreamData&) const = default;
};
struct StreamWritable {  // the send window reopened after write() came up short
  StreamId id;
  bool operator==(const StreamWritable&) const = default;
};
struct StreamRemoteClosed {  // FIN: no more data from the peer
  StreamId id;
  bool operator==(const StreamRemoteClosed&) const = default;
};
struct StreamReset {  // RST received, our stream refused, or data after FIN; state removed
  StreamId id;
  bool operator==(const StreamReset&) const = default;
};
struct StreamClosed {  // FIN sent and received; state removed
  StreamId id;
  bool operator==(const StreamClosed&) const = default;
};
struct GoAwayReceived {  // see GoAwayCode for the defined values
  std::uint32_t code;
  bool operator==(const GoAwayReceived&) const = default;
};
struct PingRtt {  // one of our pings came back
  Duration rtt;
  bool operator==(const PingRtt&) const = default;
};
using Event = std::variant<StreamOpened, StreamData, StreamWritable, StreamRemoteClosed,
                           StreamReset, StreamClosed, GoAwayReceived, PingRtt>;

// Calls on a stream the session no longer knows (reset or closed, maybe with the event still
// queued) do nothing; calls the stream's state forbids (write after close_write, consuming
// more than was delivered) throw std::logic_error.
class Session {
 public:
  // Queues a ping right away so that window tuning gets a measured RTT early (as go-yamux).
  // Throws std::invalid_argument on an inconsistent Config.
  Session(Role role, Config config, TimePoint now);

  // Accepts any chunking; only a partial header is buffered, payload goes straight into
  // StreamData events. Errors: bad_version, bad_type, frame_too_large, window_exceeded,
  // window_overflow, bad_stream_id, duplicate_stream (a GoAway with the protocol-error code is
  // queued), and keepalive_timeout from on_timer. Errors are sticky; the connection must close.
  Result<void> feed(ByteView bytes, TimePoint now);
  std::optional<Event> next_event();

  // Sends SYN on a WindowUpdate carrying our window above 256 KiB. Errors: too_many_streams,
  // ack_backlog_full, going_away, stream_ids_exhausted, or the sticky session error.
  Result<StreamId> open_stream();
  // Takes up to the send window; returns the bytes taken (0: wait for StreamWritable).
  std::size_t write(StreamId id, ByteView data);
  void close_write(StreamId id);  // FIN (half close)
  void reset(StreamId id);        // RST; no event follows for this stream
  // The application took `n` bytes from StreamData: may grant window back (and grow it).
  void consumed(StreamId id, std::size_t n, TimePoint now);
  void go_away(std::uint32_t code);  // once; later calls are ignored

  void on_timer(TimePoint now);  // keepalive ping; an unanswered one fails the session
  std::optional<TimePoint> next_timer() const;

  Bytes take_output();
  bool has_output() const { return !output_.empty(); }
  Result<void> status() const;

  // Introspection for metrics and tests; nullptr for unknown streams.
  const Stream* find_stream(StreamId id) const;
  std::size_t stream_count() const { return streams_.size(); }
  std::optional<Duration> rtt() const { return rtt_; }

 private:
  // The data frame whose payload is still arriving.
  struct Payload {
    StreamId stream;
    std::uint32_t remaining = 0;
    bool deliver = false;  // false: the payload is skipped
    bool fin = false;      // FIN applies once the payload is complete
  };

  Result<void> on_header(const Header& h);
  Result<void> on_stream_frame(const Header& h);
  void on_ping(const Header& h);
  std::size_t on_payload(ByteView bytes);
  Result<void> fail_session(Error e);
  Result<void> fail_session(std::error_code e);

  // Applies one transition, performing its action. Returns false if the stream is gone.
  bool apply(StreamId id, Stream& s, StreamInput input);
  void emit(Type type, Flags flags, StreamId id, std::uint32_t length);
  bool ours(StreamId id) const;

  Role role_;
  Config config_;
  std::error_code error_;
  TimePoint now_;

  std::array<std::uint8_t, kHeaderSize> header_buf_{};
  std::size_t header_len_ = 0;
  std::optional<Payload> payload_;

  std::unordered_map<std::uint32_t, Stream> streams_;
  std::size_t ack_backlog_ = 0;
  std::uint64_t next_id_;  // wider than a stream id so exhaustion is visible

  bool go_away_sent_ = false;
  bool go_away_received_ = false;

  std::uint32_t next_ping_ = 0;
  std::optional<std::uint32_t> ping_outstanding_;
  TimePoint ping_sent_at_;
  TimePoint next_keepalive_;
  std::optional<Duration> rtt_;

  std::deque<Event> events_;
  Bytes output_;
};

}  // namespace meshchat::p2p::yamux
