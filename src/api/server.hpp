// The local API server: JSON over HTTP/1.1 plus the WebSocket event stream (GET /v1/events),
// on a loopback address only, every request authorized by a bearer token (DESIGN.md §7).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/event_hub.hpp"
#include "api/router.hpp"
#include "core/result.hpp"

namespace meshchat::api {

// The WebSocket event stream's path; a GET here without an upgrade gets 426.
inline constexpr std::string_view kEventsPath = "/v1/events";

struct ServerConfig {
  std::string address = "127.0.0.1";  // loopback only: start() refuses anything else
  std::uint16_t port = 0;             // 0: any free port
  std::string token;                  // required bearer token (non-empty)
  // Request bodies above this get 413. The API's bodies are small JSON objects (a message text
  // is far below); 1 MiB leaves room for bulk requests without letting one client pin memory.
  std::size_t max_body_bytes = 1 << 20;
  // Open connections, HTTP and WebSocket; more are closed on accept. A CLI and a few UI tabs
  // need a handful; the cap bounds sockets and buffers if a local program misbehaves.
  std::size_t max_connections = 64;
  // HTTP: keep-alive idle time and the limit for reading one request or writing one response.
  // WebSocket: a client answering no ping for this long is disconnected.
  std::chrono::seconds idle_timeout{60};
};

namespace detail {
struct ServerState;
}

class Server {
 public:
  // `router` and `events` must outlive every coroutine the server starts on `executor`, i.e.
  // until the io_context has run out of work after stop().
  Server(boost::asio::any_io_executor executor, ServerConfig config, Router& router,
         EventHub& events);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, starts accepting and returns the bound port. Fails with ApiError::not_loopback or
  // ApiError::empty_token on a bad config, or the bind error; with operation_canceled after
  // stop(). Call once, on the io thread.
  Result<std::uint16_t> start();
  // Closes the acceptor and every connection; event streams get a close frame (1001) first,
  // within a bounded time. Idempotent. Call on the io thread.
  void stop();

  // Connections open now, HTTP and WebSocket.
  std::size_t connections() const;

 private:
  std::shared_ptr<detail::ServerState> state_;
};

}  // namespace meshchat::api
