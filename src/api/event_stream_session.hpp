// The WebSocket event stream (GET /v1/events): one EventHub subscriber per connection, each
// event one text frame; client messages are ignored. A dropped subscriber is closed with 1008.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>

#include "api/server_state.hpp"

namespace meshchat::api::detail {

// Accepts the upgrade on `stream` (access already checked) and serves the event stream.
void start_event_stream(std::shared_ptr<ServerState> server, boost::beast::tcp_stream stream,
                        boost::beast::http::request<boost::beast::http::string_body> upgrade);

class EventStreamSession final : public Session,
                                 public std::enable_shared_from_this<EventStreamSession> {
 public:
  EventStreamSession(std::shared_ptr<ServerState> server, boost::beast::tcp_stream stream);

  static boost::asio::awaitable<void> run(
      std::shared_ptr<EventStreamSession> self,
      boost::beast::http::request<boost::beast::http::string_body> upgrade);
  // Sends a 1001 close frame after the frame being written, if any.
  void stop() override;

 private:
  // Reads (so that pings are answered and a close frame is seen) and discards messages.
  static boost::asio::awaitable<void> read_loop(std::shared_ptr<EventStreamSession> self);
  void on_subscriber_ready();
  void wake();
  // Closes the socket at `timeout` from now unless the session ends first; an earlier deadline
  // already armed stays.
  void arm_deadline(std::chrono::steady_clock::duration timeout);
  void finish();

  std::shared_ptr<ServerState> server_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  std::shared_ptr<EventSubscriber> subscriber_;
  boost::asio::steady_timer wake_;      // waited on by the writer; cancelled to wake it
  boost::asio::steady_timer deadline_;  // bounds closing when the client does not read
  bool deadline_armed_ = false;
  bool stopping_ = false;
  bool reader_done_ = false;
};

}  // namespace meshchat::api::detail
