#include "api/http_session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "api/event_stream_session.hpp"
#include "api/http_response.hpp"
#include "api/target.hpp"
#include "api/validation.hpp"

namespace meshchat::api::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Request header bytes. Browsers send every cookie set for "localhost", including other local
// apps' cookies, so leave room beyond Beast's 8 KiB default.
constexpr std::uint32_t kMaxHeaderBytes = 32 * 1024;
// After a refusal the client gets this long to finish sending what we will not read: closing
// with unread input would reset the connection and could discard our response.
constexpr auto kLingerTimeout = std::chrono::seconds(1);
// Bytes discarded while lingering; a client still sending past this is not waiting for an answer.
constexpr std::size_t kMaxLingerBytes = 4 << 20;

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// Parse errors that deserve an answer; end_of_stream and partial_message mean the client left.
bool deserves_answer(const boost::system::error_code& ec) {
  return is_http_error(ec) && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

Response parse_failure(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) return Response::error(413, "request body too large");
  if (ec == http::error::header_limit) return Response::error(431, "request header too large");
  return Response::error(400, "malformed HTTP request");
}

std::string_view method_name(const http::request_header<>& header) {
  return std::string_view(header.method_string());
}

}  // namespace

HttpSession::HttpSession(std::shared_ptr<ServerState> server, asio::ip::tcp::socket socket)
    : server_(std::move(server)), stream_(std::move(socket)) {}

void HttpSession::stop() {
  stopped_ = true;
  if (!upgraded_) stream_.close();
}

asio::awaitable<void> HttpSession::run(std::shared_ptr<HttpSession> self) {
  while (!self->stopped_) {
    if (co_await self->serve_one() == Next::close) break;
  }
  if (!self->upgraded_) {
    boost::system::error_code ignored;
    self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    self->stream_.close();
  }
}

asio::awaitable<HttpSession::Next> HttpSession::serve_one() {
  const ServerConfig& config = server_->config;
  head_ = false;
  http::request_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(config.max_body_bytes);
  stream_.expires_after(config.idle_timeout);
  auto [header_error, header_bytes] =
      co_await http::async_read_header(stream_, buffer_, parser, use_nothrow);
  if (header_error) {
    if (deserves_answer(header_error)) co_await refuse(parse_failure(header_error), 11);
    co_return Next::close;
  }

  const auto& header = parser.get();
  unsigned version = header.version();
  head_ = header.method() == http::verb::head;
  auto target = parse_target(std::string_view(header.target()));
  if (!target) {
    co_await refuse(Response::error(400, "malformed request target"), version);
    co_return Next::close;
  }
  bool upgrade = boost::beast::websocket::is_upgrade(header);
  if (auto denied = check_access(header, *target, upgrade, server_->policy)) {
    spdlog::debug("api: refused {} {}: {}", method_name(header), target->path, denied->status);
    co_await refuse(std::move(*denied), version);
    co_return Next::close;
  }

  bool events_path = target->path == kEventsPath;
  if (upgrade) {
    if (!events_path || header.method() != http::verb::get) {
      co_await refuse(Response::error(404, "not found"), version);
    } else if (!parser.is_done()) {
      co_await refuse(Response::error(400, "a WebSocket upgrade has no body"), version);
    } else {
      upgraded_ = true;
      start_event_stream(server_, std::move(stream_), parser.release());
    }
    co_return Next::close;
  }
  if (events_path && (header.method() == http::verb::get || head_)) {
    Response response = Response::error(426, "WebSocket upgrade required");
    response.headers.emplace_back("Upgrade", "websocket");
    co_await refuse(std::move(response), version);
    co_return Next::close;
  }

  if (!parser.is_done()) {
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      http::response<http::empty_body> proceed(http::status::continue_, version);
      stream_.expires_after(config.idle_timeout);
      auto [continue_error, continue_bytes] =
          co_await http::async_write(stream_, proceed, use_nothrow);
      if (continue_error) co_return Next::close;
    }
    stream_.expires_after(config.idle_timeout);
    auto [body_error, body_bytes] =
        co_await http::async_read(stream_, buffer_, parser, use_nothrow);
    if (body_error) {
      if (deserves_answer(body_error)) co_await refuse(parse_failure(body_error), version);
      co_return Next::close;
    }
  }

  auto message = parser.release();
  bool keep_alive = message.keep_alive();
  Request request;
  request.method = message.method();
  request.path = target->path;
  request.query = std::move(target->query);
  Response response;
  if (auto bad = parse_json_body(request.method, message.body(), request.body)) {
    response = std::move(*bad);
  } else {
    response = co_await server_->router.dispatch(std::move(request));
  }
  if (stopped_) co_return Next::close;
  spdlog::debug("api: {} {} -> {}", std::string_view(message.method_string()), target->path,
                response.status);

  stream_.expires_after(config.idle_timeout);
  auto write_error = co_await write(to_http(response, version, keep_alive));
  if (write_error || !keep_alive) co_return Next::close;
  co_return Next::keep_alive;
}

asio::awaitable<void> HttpSession::refuse(Response response, unsigned version) {
  if (stopped_) co_return;
  stream_.expires_after(server_->config.idle_timeout);
  auto ec = co_await write(to_http(response, version, false));
  if (!ec) co_await linger_close();
}

asio::awaitable<boost::system::error_code> HttpSession::write(
    http::response<http::string_body> out) {
  if (head_) {
    // The header of the GET answer, Content-Length included, and no body (RFC 9110 §9.3.2).
    http::response<http::empty_body> header_only(std::move(out.base()));
    auto [ec, written] = co_await http::async_write(stream_, header_only, use_nothrow);
    co_return ec;
  }
  auto [ec, written] = co_await http::async_write(stream_, out, use_nothrow);
  co_return ec;
}

asio::awaitable<void> HttpSession::linger_close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);
  std::array<char, 16 * 1024> scratch;
  std::size_t discarded = 0;
  while (discarded < kMaxLingerBytes && !stopped_) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(scratch), use_nothrow);
    if (ec) break;
    discarded += n;
  }
}

}  // namespace meshchat::api::detail
