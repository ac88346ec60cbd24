// Test support for the API server: a Server with test routes on its own io thread, and raw
// HTTP and WebSocket clients (Beast, with a timeout on every operation) for what the real
// Client cannot send: missing tokens, foreign origins, malformed bytes, slow readers.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/beast/core/buffers_to_string.hpp>
#include "api/api_file.hpp"
#include "api/server.hpp"

#include "temp_home.hpp"

namespace meshchat::api::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

// Every blocking step in a test gives up after this, so a broken server fails instead of hanging.
inline constexpr auto kTestTimeout = 10s;
inline constexpr const char* kToken = "test-token-0123456789";

// GET /v1/ping → {"pong": true}
inline asio::awaitable<Response> ping_handler(Request request);
// GET /v1/echo/{name} → {"path", "params", "query", "body"}; POST /v1/echo → the same.
inline asio::awaitable<Response> echo_handler(Request request);
// GET /v1/throw: the handler throws.
inline asio::awaitable<Response> throwing_handler(Request request);
// GET /v1/slow: answers after a second.
inline asio::awaitable<Response> slow_handler(Request request);

class ServerHarness {
 public:
  explicit ServerHarness(ServerConfig config = {}, EventHubLimits limits = {});
  ~ServerHarness();

  // Starts the server with the token kToken (unless the config set one), writes api.json into
  // home() and runs the io thread. Returns the port.
  std::uint16_t start();
  // Runs `f` on the io thread and returns its result.
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    asio::post(io_, std::move(task));
    if (future.wait_for(kTestTimeout) != std::future_status::ready) {
      throw std::runtime_error("the io thread did not run the task in time");
    }
    return future.get();
  }
  // Stops the server on the io thread; true when io_context::run() then returned in time.
  bool stop_and_join(std::chrono::steady_clock::duration limit = kTestTimeout);
  // Polls on the io thread until `condition` holds; false after kTestTimeout.
  bool wait_on_io(const std::function<bool()>& condition);

  Router& router() { return router_; }
  EventHub& events() { return events_; }
  Server& server() { return *server_; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& home() const { return home_.path(); }
  ApiEndpoint endpoint() const { return {port_, token_}; }

 private:
  Router router_;
  EventHub events_;
  asio::io_context io_;
  std::optional<Server> server_;
  ServerConfig config_;
  std::string token_;
  TempHome home_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::future<void> finished_;
};

// A request with, when non-empty, a bearer token and an Origin. RawConnection adds the Host.
http::request<http::string_body> make_request(http::verb method, std::string target,
                                              std::string token = kToken, std::string body = "",
                                              std::string origin = "");

// One TCP connection driven synchronously through its own io_context.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  // Sends `request`, with Host 127.0.0.1:<port> unless it has a Host already.
  boost::system::error_code write(http::request<http::string_body>& request);
  boost::system::error_code write_bytes(std::string_view bytes);
  // `head_request`: the response answers a HEAD, so it has no body whatever its Content-Length.
  boost::system::error_code read(http::response<http::string_body>& response,
                                 bool head_request = false);
  // Bytes received past the last response read.
  std::size_t buffered() const { return buffer_.size(); }
  // Sends the request and reads the response; throws on an I/O error.
  http::response<http::string_body> exchange(http::request<http::string_body> request);
  // Reads until the peer closes: true when it did (EOF or reset) within kTestTimeout.
  bool closed_by_peer();
  beast::tcp_stream& stream() { return stream_; }

 private:
  void run();
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::uint16_t port_;
};

// A WebSocket client connection driven synchronously through its own io_context.
class RawWebSocket {
 public:
  explicit RawWebSocket(std::uint16_t port);
  // Handshake on `target` with optional Authorization token and Origin; on refusal the
  // HTTP status is in response().
  boost::system::error_code handshake(std::string target, std::string token,
                                      std::string origin = "");
  boost::system::error_code read(std::string& message);
  const websocket::response_type& response() const { return response_; }
  websocket::close_reason reason() const { return socket_.reason(); }

 private:
  // Runs the io_context until `done`; past kTestTimeout the socket is closed so the pending
  // operation fails. (run() would also wait for Beast's idle timers.)
  void drive(const bool& done);
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> socket_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::uint16_t port_;
};

// Definitions (header-only: only *_test.cpp files are built into unit_api).

inline asio::awaitable<Response> ping_handler(Request) {
  Response response;
  response.body = {{"pong", true}};
  co_return response;
}

inline asio::awaitable<Response> echo_handler(Request request) {
  Response response;
  response.body = {{"path", request.path},
                   {"params", request.params},
                   {"query", request.query},
                   {"body", request.body}};
  co_return response;
}

inline asio::awaitable<Response> throwing_handler(Request) {
  throw std::runtime_error("handler failure for the test");
  co_return Response{};
}

inline asio::awaitable<Response> slow_handler(Request) {
  asio::steady_timer timer(co_await asio::this_coro::executor, 1s);
  co_await timer.async_wait(asio::use_awaitable);
  co_return Response{};
}

inline ServerHarness::ServerHarness(ServerConfig config, EventHubLimits limits)
    : events_(limits), config_(std::move(config)) {
  if (config_.token.empty()) config_.token = kToken;
  token_ = config_.token;
  router_.add(http::verb::get, "/v1/ping", ping_handler);
  router_.add(http::verb::get, "/v1/echo/{name}", echo_handler);
  router_.add(http::verb::post, "/v1/echo", echo_handler);
  router_.add(http::verb::put, "/v1/echo", echo_handler);
  router_.add(http::verb::get, "/v1/throw", throwing_handler);
  router_.add(http::verb::get, "/v1/slow", slow_handler);
}

inline ServerHarness::~ServerHarness() {
  if (thread_.joinable() && !stop_and_join()) {
    io_.stop();
    thread_.join();
  }
}

inline std::uint16_t ServerHarness::start() {
  server_.emplace(io_.get_executor(), config_, router_, events_);
  auto port = server_->start();
  if (!port) throw std::runtime_error("server start failed: " + port.error().message());
  port_ = *port;
  if (auto written = write_api_file(home(), endpoint()); !written) {
    throw std::runtime_error("api.json: " + written.error().message());
  }
  std::packaged_task<void()> run([this] { io_.run(); });
  finished_ = run.get_future();
  thread_ = std::thread(std::move(run));
  return port_;
}

inline bool ServerHarness::stop_and_join(std::chrono::steady_clock::duration limit) {
  if (!thread_.joinable()) return true;
  on_io([this] { server_->stop(); });
  bool returned = finished_.wait_for(limit) == std::future_status::ready;
  if (!returned) io_.stop();
  thread_.join();
  return returned;
}

inline bool ServerHarness::wait_on_io(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + kTestTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (on_io(condition)) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

inline http::request<http::string_body> make_request(http::verb method, std::string target,
                                                     std::string token, std::string body,
                                                     std::string origin) {
  http::request<http::string_body> request(method, target, 11);
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!origin.empty()) request.set(http::field::origin, origin);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
  }
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

inline RawConnection::RawConnection(std::uint16_t port) : stream_(io_), port_(port) {
  boost::system::error_code error;
  stream_.expires_after(kTestTimeout);
  stream_.async_connect({asio::ip::address_v4::loopback(), port},
                        [&](boost::system::error_code ec) { error = ec; });
  run();
  if (error) throw std::runtime_error("connect: " + error.message());
}

inline void RawConnection::run() {
  io_.restart();
  io_.run();
}

inline boost::system::error_code RawConnection::write(http::request<http::string_body>& request) {
  if (request.count(http::field::host) == 0) {
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  }
  boost::system::error_code error;
  stream_.expires_after(kTestTimeout);
  http::async_write(stream_, request,
                    [&](boost::system::error_code ec, std::size_t) { error = ec; });
  run();
  return error;
}

inline boost::system::error_code RawConnection::write_bytes(std::string_view bytes) {
  boost::system::error_code error;
  stream_.expires_after(kTestTimeout);
  asio::async_write(stream_, asio::buffer(bytes),
                    [&](boost::system::error_code ec, std::size_t) { error = ec; });
  run();
  return error;
}

inline boost::system::error_code RawConnection::read(http::response<http::string_body>& response,
                                                     bool head_request) {
  boost::system::error_code error;
  http::response_parser<http::string_body> parser;
  parser.skip(head_request);
  stream_.expires_after(kTestTimeout);
  http::async_read(stream_, buffer_, parser,
                   [&](boost::system::error_code ec, std::size_t) { error = ec; });
  run();
  if (!error) response = parser.release();
  return error;
}

inline http::response<http::string_body> RawConnection::exchange(
    http::request<http::string_body> request) {
  if (auto ec = write(request)) throw std::runtime_error("write: " + ec.message());
  http::response<http::string_body> response;
  if (auto ec = read(response)) throw std::runtime_error("read: " + ec.message());
  return response;
}

inline bool RawConnection::closed_by_peer() {
  std::array<char, 4096> scratch;
  for (;;) {
    boost::system::error_code error;
    stream_.expires_after(kTestTimeout);
    stream_.async_read_some(asio::buffer(scratch),
                            [&](boost::system::error_code ec, std::size_t) { error = ec; });
    run();
    if (error == asio::error::eof || error == asio::error::connection_reset) return true;
    if (error) return false;  // timeout
  }
}

inline RawWebSocket::RawWebSocket(std::uint16_t port) : socket_(io_), port_(port) {
  boost::system::error_code error;
  bool done = false;
  beast::get_lowest_layer(socket_).async_connect({asio::ip::address_v4::loopback(), port},
                                                 [&](boost::system::error_code ec) {
                                                   error = ec;
                                                   done = true;
                                                 });
  drive(done);
  if (error) throw std::runtime_error("connect: " + error.message());
}

inline void RawWebSocket::drive(const bool& done) {
  io_.restart();
  auto deadline = std::chrono::steady_clock::now() + kTestTimeout;
  while (!done) {
    if (io_.run_one_until(deadline) == 0 && !done) {
      beast::get_lowest_layer(socket_).close();
      io_.restart();
      while (!done && io_.run_one() > 0) {
      }
      return;
    }
  }
}

inline boost::system::error_code RawWebSocket::handshake(std::string target, std::string token,
                                                         std::string origin) {
  socket_.set_option(websocket::stream_base::decorator([token, origin](websocket::request_type& r) {
    if (!token.empty()) r.set(http::field::authorization, "Bearer " + token);
    if (!origin.empty()) r.set(http::field::origin, origin);
  }));
  boost::system::error_code error;
  bool done = false;
  socket_.async_handshake(response_, "127.0.0.1:" + std::to_string(port_), target,
                          [&](boost::system::error_code ec) {
                            error = ec;
                            done = true;
                          });
  drive(done);
  return error;
}

inline boost::system::error_code RawWebSocket::read(std::string& message) {
  boost::system::error_code error;
  bool done = false;
  buffer_.clear();
  socket_.async_read(buffer_, [&](boost::system::error_code ec, std::size_t) {
    error = ec;
    done = true;
  });
  drive(done);
  message = beast::buffers_to_string(buffer_.data());
  return error;
}

}  // namespace meshchat::api::testing
