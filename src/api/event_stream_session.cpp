#include "api/event_stream_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace meshchat::api::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// The upgrade response must be out within this; it is one small write.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// Client messages are ignored; anything bigger than a small control message is misuse.
constexpr std::size_t kMaxClientMessageBytes = 4096;
// A dropped (too slow) subscriber still gets what was queued before the drop, then 1008, if it
// reads that within this time; otherwise the connection is cut.
constexpr auto kSlowCloseTimeout = std::chrono::seconds(10);
// On stop(): time for the frame in flight and the close handshake before the socket is cut.
constexpr auto kStopCloseTimeout = std::chrono::seconds(2);

}  // namespace

void start_event_stream(std::shared_ptr<ServerState> server, beast::tcp_stream stream,
                        http::request<http::string_body> upgrade) {
  auto session = std::make_shared<EventStreamSession>(server, std::move(stream));
  server->track(session);
  asio::co_spawn(server->executor, EventStreamSession::run(session, std::move(upgrade)),
                 LogFailure{"api event stream"});
}

EventStreamSession::EventStreamSession(std::shared_ptr<ServerState> server,
                                       beast::tcp_stream stream)
    : server_(std::move(server)),
      socket_(std::move(stream)),
      wake_(server_->executor),
      deadline_(server_->executor) {}

void EventStreamSession::stop() {
  stopping_ = true;
  wake();
  arm_deadline(kStopCloseTimeout);
}

void EventStreamSession::wake() {
  wake_.cancel();
}

void EventStreamSession::on_subscriber_ready() {
  wake();
  if (subscriber_ && subscriber_->dropped()) arm_deadline(kSlowCloseTimeout);
}

void EventStreamSession::arm_deadline(std::chrono::steady_clock::duration timeout) {
  auto when = std::chrono::steady_clock::now() + timeout;
  if (deadline_armed_ && deadline_.expiry() <= when) return;
  deadline_armed_ = true;
  deadline_.expires_at(when);
  deadline_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the session ended in time, or the deadline moved
    if (auto self = weak.lock()) {
      spdlog::debug("api: event stream did not close in time; cutting the connection");
      beast::get_lowest_layer(self->socket_).close();
    }
  });
}

void EventStreamSession::finish() {
  deadline_.cancel();
  wake_.cancel();
  subscriber_.reset();
  beast::get_lowest_layer(socket_).close();
}

asio::awaitable<void> EventStreamSession::run(std::shared_ptr<EventStreamSession> self,
                                              http::request<http::string_body> upgrade) {
  // The WebSocket stream keeps its own timeouts; the TCP stream's would fire mid-stream.
  beast::get_lowest_layer(self->socket_).expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = kHandshakeTimeout;
  timeouts.idle_timeout = self->server_->config.idle_timeout;
  timeouts.keep_alive_pings = true;
  self->socket_.set_option(timeouts);
  self->socket_.read_message_max(kMaxClientMessageBytes);

  // Subscribe before the handshake, so that every event published after the client saw the
  // 101 response reaches it.
  self->subscriber_ = self->server_->events.subscribe();
  self->subscriber_->on_ready([weak = self->weak_from_this()] {
    if (auto session = weak.lock()) session->on_subscriber_ready();
  });
  auto [accept_error] = co_await self->socket_.async_accept(upgrade, use_nothrow);
  if (accept_error) {
    self->finish();
    co_return;
  }
  asio::co_spawn(self->server_->executor, read_loop(self), LogFailure{"api event stream reader"});

  websocket::close_reason reason;
  for (;;) {
    if (self->stopping_) {
      reason = websocket::close_reason(websocket::close_code::going_away, "server stopping");
      break;
    }
    if (self->reader_done_) {  // the client closed (Beast answered) or the connection broke
      self->finish();
      co_return;
    }
    if (auto frame = self->subscriber_->pop()) {
      self->socket_.text(true);
      auto [write_error, written] =
          co_await self->socket_.async_write(asio::buffer(*frame), use_nothrow);
      if (write_error) {
        self->finish();
        co_return;
      }
      continue;
    }
    if (self->subscriber_->dropped()) {
      spdlog::warn("api: an event stream subscriber fell too far behind; disconnecting it");
      reason = websocket::close_reason(websocket::close_code::policy_error, "too slow");
      break;
    }
    self->wake_.expires_at(asio::steady_timer::time_point::max());
    co_await self->wake_.async_wait(use_nothrow);
  }
  self->subscriber_.reset();  // frees what is still queued
  self->arm_deadline(kStopCloseTimeout);
  co_await self->socket_.async_close(reason, use_nothrow);
  self->finish();
}

asio::awaitable<void> EventStreamSession::read_loop(std::shared_ptr<EventStreamSession> self) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await self->socket_.async_read(buffer, use_nothrow);
    if (ec) break;
    buffer.clear();
  }
  self->reader_done_ = true;
  self->wake();
}

}  // namespace meshchat::api::detail
