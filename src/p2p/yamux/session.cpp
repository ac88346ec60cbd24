#include "p2p/yamux/session.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace meshchat::p2p::yamux {

namespace {
constexpr std::uint32_t kMaxWindow = std::numeric_limits<std::uint32_t>::max();
}  // namespace

Session::Session(Role role, Config config, TimePoint now)
    : role_(role), config_(config), now_(now), next_id_(role == Role::client ? 1 : 2) {
  if (config_.initial_window < kInitialWindow || config_.max_stream_window < config_.initial_window)
    throw std::invalid_argument("yamux: windows must satisfy 256 KiB <= initial <= max");
  if (config_.max_frame_payload == 0 || config_.max_frame_payload > kMaxWindow)
    throw std::invalid_argument("yamux: max_frame_payload must be in [1, 2^32 - 1]");
  if (config_.keepalive_interval <= Duration::zero() ||
      config_.keepalive_timeout <= Duration::zero())
    throw std::invalid_argument("yamux: keepalive durations must be positive");
  ping_outstanding_ = next_ping_++;
  ping_sent_at_ = now;
  emit(Type::ping, kSyn, kSessionStream, *ping_outstanding_);
  next_keepalive_ = now + config_.keepalive_interval;
}

Result<void> Session::feed(ByteView bytes, TimePoint now) {
  if (error_) return fail(error_);
  now_ = now;
  while (!bytes.empty()) {
    if (payload_) {
      bytes = bytes.subspan(on_payload(bytes));
      continue;
    }
    Result<Header> header;
    if (header_len_ == 0 && bytes.size() >= kHeaderSize) {
      header = decode(bytes.first<kHeaderSize>());
      bytes = bytes.subspan(kHeaderSize);
    } else {
      std::size_t n = std::min(kHeaderSize - header_len_, bytes.size());
      std::copy_n(bytes.begin(), n, header_buf_.begin() + header_len_);
      header_len_ += n;
      bytes = bytes.subspan(n);
      if (header_len_ < kHeaderSize) break;
      header_len_ = 0;
      header = decode(header_buf_);
    }
    if (!header) return fail_session(header.error());
    if (auto r = on_header(*header); !r) return r;
  }
  return {};
}

Result<void> Session::on_header(const Header& h) {
  switch (h.type) {
    case Type::data:
    case Type::window_update:
      return on_stream_frame(h);
    case Type::ping:
      on_ping(h);
      return {};
    case Type::go_away:
      if (!go_away_received_) {
        go_away_received_ = true;
        events_.push_back(GoAwayReceived{h.length});
      }
      return {};
  }
  return {};  // decode() admits no other type
}

Result<void> Session::on_stream_frame(const Header& h) {
  const bool is_data = h.type == Type::data;
  // Checked before anything else: it bounds the payload we skip for unknown streams too.
  if (is_data && h.length > config_.max_stream_window) return fail_session(Error::frame_too_large);
  if (h.stream == kSessionStream) return fail_session(Error::bad_stream_id);
  const StreamId id = h.stream;
  auto skip = [&] {
    if (is_data && h.length > 0) payload_ = Payload{id, h.length, false, false};
    return Result<void>{};
  };

  auto it = streams_.find(id.value);
  if (h.flags.has(Flags::kSyn)) {
    if (ours(id)) return fail_session(Error::bad_stream_id);
    if (it != streams_.end()) return fail_session(Error::duplicate_stream);
    if (go_away_sent_ || streams_.size() >= config_.max_streams) {
      emit(Type::window_update, kRst, id, 0);  // refused: never reported to the application
      return skip();
    }
    Stream s;
    s.recv_window = s.recv_credit = config_.initial_window;
    s.last_update = now_;
    it = streams_.emplace(id.value, s).first;
    events_.push_back(StreamOpened{id});
    // ACK at once: it keeps the opener's ACK backlog short and grants our larger window.
    emit(Type::window_update, kAck, id, config_.initial_window - kInitialWindow);
  } else if (it == streams_.end()) {
    // A stream we reset or closed: the peer may have sent these frames before seeing our RST
    // or FIN. Answering each with RST would only add noise (rust-yamux ignores them too).
    return skip();
  }

  Stream& s = it->second;
  if (h.flags.has(Flags::kAck) && s.awaiting_ack) {
    s.awaiting_ack = false;
    --ack_backlog_;
  }
  if (h.flags.has(Flags::kRst)) {
    apply(id, s, StreamInput::recv_rst);
    return skip();
  }
  if (is_data) {
    if (h.length > 0) {
      if (!apply(id, s, StreamInput::recv_data)) return skip();  // data after FIN: refused
      if (h.length > s.recv_credit) return fail_session(Error::window_exceeded);
      s.recv_credit -= h.length;
      payload_ = Payload{id, h.length, true, h.flags.has(Flags::kFin)};
      return {};
    }
  } else {
    std::uint64_t window = std::uint64_t{s.send_window} + h.length;
    if (window > kMaxWindow) return fail_session(Error::window_overflow);
    s.send_window = static_cast<std::uint32_t>(window);
    if (s.write_blocked && s.send_window > 0) {
      s.write_blocked = false;
      events_.push_back(StreamWritable{id});
    }
  }
  if (h.flags.has(Flags::kFin)) apply(id, s, StreamInput::recv_fin);
  return {};
}

std::size_t Session::on_payload(ByteView bytes) {
  Payload& p = *payload_;
  auto n = static_cast<std::uint32_t>(std::min<std::size_t>(bytes.size(), p.remaining));
  if (p.deliver) {
    // The application may have reset the stream since the header arrived.
    if (auto it = streams_.find(p.stream.value); it != streams_.end()) {
      it->second.unconsumed += n;
      events_.push_back(StreamData{p.stream, Bytes(bytes.begin(), bytes.begin() + n)});
    }
  }
  p.remaining -= n;
  if (p.remaining == 0) {
    const Payload done = p;
    payload_.reset();
    if (done.fin) {
      if (auto it = streams_.find(done.stream.value); it != streams_.end())
        apply(done.stream, it->second, StreamInput::recv_fin);
    }
  }
  return n;
}

void Session::on_ping(const Header& h) {
  if (h.flags.has(Flags::kSyn)) {
    emit(Type::ping, kAck, kSessionStream, h.length);
  } else if (h.flags.has(Flags::kAck) && ping_outstanding_ == h.length) {
    ping_outstanding_.reset();
    rtt_ = now_ - ping_sent_at_;
    events_.push_back(PingRtt{*rtt_});
  }
  // Other pings are stale answers or carry no flag the spec defines: ignored.
}

Result<void> Session::fail_session(Error e) {
  return fail_session(make_error_code(e));
}

Result<void> Session::fail_session(std::error_code e) {
  error_ = e;
  go_away_sent_ = true;
  emit(Type::go_away, kNoFlags, kSessionStream,
       static_cast<std::uint32_t>(GoAwayCode::protocol_error));
  return fail(e);
}

bool Session::apply(StreamId id, Stream& s, StreamInput input) {
  const Transition t = transition(s.state, input);
  switch (t.action) {
    case StreamAction::misuse:
      throw std::logic_error("yamux: stream operation not allowed in its state");
    case StreamAction::none:
    case StreamAction::send:
    case StreamAction::deliver:
      break;
    case StreamAction::send_fin:
      s.write_blocked = false;
      emit(Type::window_update, kFin, id, 0);
      break;
    case StreamAction::send_rst:
      emit(Type::window_update, kRst, id, 0);
      break;
    case StreamAction::notify_remote_closed:
      events_.push_back(StreamRemoteClosed{id});
      break;
    case StreamAction::notify_reset:
      events_.push_back(StreamReset{id});
      break;
    case StreamAction::refuse:
      emit(Type::window_update, kRst, id, 0);
      events_.push_back(StreamReset{id});
      break;
  }
  s.state = t.next;
  if (t.next != StreamState::closed) return true;
  if (t.action == StreamAction::send_fin || t.action == StreamAction::notify_remote_closed)
    events_.push_back(StreamClosed{id});
  if (s.awaiting_ack) --ack_backlog_;
  streams_.erase(id.value);
  return false;
}

Result<StreamId> Session::open_stream() {
  if (error_) return fail(error_);
  if (go_away_sent_ || go_away_received_) return fail(Error::going_away);
  if (streams_.size() >= config_.max_streams) return fail(Error::too_many_streams);
  if (ack_backlog_ >= kMaxAckBacklog) return fail(Error::ack_backlog_full);
  if (next_id_ > kMaxWindow) return fail(Error::stream_ids_exhausted);
  const StreamId id{static_cast<std::uint32_t>(next_id_)};
  next_id_ += 2;
  Stream s;
  s.awaiting_ack = true;
  s.recv_window = s.recv_credit = config_.initial_window;
  s.last_update = now_;
  streams_.emplace(id.value, s);
  ++ack_backlog_;
  emit(Type::window_update, kSyn, id, config_.initial_window - kInitialWindow);
  return id;
}

std::size_t Session::write(StreamId id, ByteView data) {
  if (error_) return 0;
  auto it = streams_.find(id.value);
  if (it == streams_.end()) return 0;
  Stream& s = it->second;
  apply(id, s, StreamInput::send_data);
  const std::size_t n = std::min<std::size_t>(data.size(), s.send_window);
  if (n < data.size()) s.write_blocked = true;
  if (n == 0) return 0;
  const std::size_t frames = (n + config_.max_frame_payload - 1) / config_.max_frame_payload;
  // Grow geometrically: an exact reserve per call would make many small writes quadratic.
  const std::size_t needed = output_.size() + n + frames * kHeaderSize;
  if (needed > output_.capacity()) output_.reserve(std::max(needed, 2 * output_.capacity()));
  for (std::size_t off = 0; off < n; off += config_.max_frame_payload) {
    const std::size_t chunk = std::min(n - off, config_.max_frame_payload);
    emit(Type::data, kNoFlags, id, static_cast<std::uint32_t>(chunk));
    output_.insert(output_.end(), data.begin() + off, data.begin() + off + chunk);
  }
  s.send_window -= static_cast<std::uint32_t>(n);
  return n;
}

void Session::close_write(StreamId id) {
  if (error_) return;
  if (auto it = streams_.find(id.value); it != streams_.end())
    apply(id, it->second, StreamInput::send_fin);
}

void Session::reset(StreamId id) {
  if (error_) return;
  if (auto it = streams_.find(id.value); it != streams_.end())
    apply(id, it->second, StreamInput::send_rst);
}

void Session::consumed(StreamId id, std::size_t n, TimePoint now) {
  if (error_) return;
  now_ = now;
  auto it = streams_.find(id.value);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  if (n > s.unconsumed) throw std::logic_error("yamux: consumed more than was delivered");
  const auto taken = static_cast<std::uint32_t>(n);
  if (s.state == StreamState::read_closed) {
    s.unconsumed -= taken;  // the peer sends no more: no window to grant
    return;
  }
  auto rtt = rtt_.value_or(kDefaultRtt);
  if (auto delta = s.on_consumed(taken, now, rtt, config_.max_stream_window))
    emit(Type::window_update, kNoFlags, id, *delta);
}

void Session::go_away(std::uint32_t code) {
  if (error_ || go_away_sent_) return;
  go_away_sent_ = true;
  emit(Type::go_away, kNoFlags, kSessionStream, code);
}

void Session::on_timer(TimePoint now) {
  if (error_) return;
  now_ = now;
  if (ping_outstanding_ && now >= ping_sent_at_ + config_.keepalive_timeout) {
    error_ = make_error_code(Error::keepalive_timeout);
    return;
  }
  if (now >= next_keepalive_) {
    next_keepalive_ = now + config_.keepalive_interval;
    if (!ping_outstanding_) {
      ping_outstanding_ = next_ping_++;
      ping_sent_at_ = now;
      emit(Type::ping, kSyn, kSessionStream, *ping_outstanding_);
    }
  }
}

std::optional<TimePoint> Session::next_timer() const {
  if (error_) return std::nullopt;
  TimePoint t = next_keepalive_;
  if (ping_outstanding_) t = std::min(t, ping_sent_at_ + config_.keepalive_timeout);
  return t;
}

std::optional<Event> Session::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

Bytes Session::take_output() {
  Bytes out;
  out.swap(output_);
  return out;
}

Result<void> Session::status() const {
  if (error_) return fail(error_);
  return {};
}

const Stream* Session::find_stream(StreamId id) const {
  auto it = streams_.find(id.value);
  return it == streams_.end() ? nullptr : &it->second;
}

void Session::emit(Type type, Flags flags, StreamId id, std::uint32_t length) {
  encode(Header{type, flags, id, length}, output_);
}

bool Session::ours(StreamId id) const {
  return (id.value % 2 == 1) == (role_ == Role::client);
}

}  // namespace meshchat::p2p::yamux
