#include "api/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <optional>

#include "api/error.hpp"
#include "api/server.hpp"

namespace meshchat::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
// Response bodies the client accepts: a long history listing stays far below.
constexpr std::size_t kMaxResponseBytes = std::size_t{64} << 20;
// One event frame; events are single messages or state changes.
constexpr std::size_t kMaxEventBytes = std::size_t{16} << 20;
constexpr std::string_view kUserAgent = "meshchat-cli";

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

std::error_code to_api_error(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return ApiError::timeout;
  if (ec == asio::error::connection_refused) return ApiError::not_running;
  if (is_http_error(ec)) return ApiError::bad_response;
  return ec;
}

// A reused keep-alive connection the daemon had closed meanwhile fails like this before any
// byte of the response; the request never reached a handler, so it is safe to send again.
bool is_stale_connection(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

// Runs `operation` on `io` until it completes.
template <class T>
Result<T> run(asio::io_context& io, asio::awaitable<Result<T>> operation) {
  std::optional<Result<T>> outcome;
  asio::co_spawn(io, std::move(operation),
                 [&outcome](std::exception_ptr failure, Result<T> result) {
                   if (failure) std::rethrow_exception(failure);
                   outcome = std::move(result);
                 });
  io.restart();
  io.run();
  return std::move(*outcome);
}

}  // namespace

namespace detail {

struct ClientState {
  explicit ClientState(ApiEndpoint endpoint) : endpoint(std::move(endpoint)) {}

  std::string host() const { return "127.0.0.1:" + std::to_string(endpoint.port); }
  tcp::endpoint address() const { return {asio::ip::address_v4::loopback(), endpoint.port}; }

  asio::io_context io;
  ApiEndpoint endpoint;
  std::chrono::steady_clock::duration timeout = kClientTimeout;
  std::optional<beast::tcp_stream> stream;  // the keep-alive connection, when open
  beast::flat_buffer buffer;
};

}  // namespace detail

using detail::ClientState;

namespace {

asio::awaitable<Result<void>> open_connection(ClientState* state) {
  state->stream.emplace(state->io);
  state->buffer.clear();
  state->stream->expires_after(state->timeout);
  auto [ec] = co_await state->stream->async_connect(state->address(), use_nothrow);
  if (ec) {
    state->stream.reset();
    co_return fail(to_api_error(ec));
  }
  co_return Result<void>{};
}

Result<Response> to_response(http::response<http::string_body>& message) {
  Response response;
  response.status = message.result_int();
  if (!message.body().empty()) {
    response.body = nlohmann::json::parse(message.body(), nullptr, /*allow_exceptions=*/false);
    if (response.body.is_discarded()) return fail(ApiError::bad_response);
  }
  return response;
}

asio::awaitable<Result<Response>> exchange(ClientState* state,
                                           http::request<http::string_body> request) {
  for (int attempt = 0;; ++attempt) {
    bool reused = state->stream.has_value();
    if (!reused) {
      if (auto opened = co_await open_connection(state); !opened) co_return fail(opened.error());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    state->stream->expires_after(state->timeout);
    auto [write_error, written] = co_await http::async_write(*state->stream, request, use_nothrow);
    boost::system::error_code error = write_error;
    if (!error) {
      auto [read_error, read] =
          co_await http::async_read(*state->stream, state->buffer, parser, use_nothrow);
      error = read_error;
    }
    if (!error) {
      auto message = parser.release();
      if (!message.keep_alive()) state->stream.reset();
      co_return to_response(message);
    }
    state->stream.reset();
    if (reused && attempt == 0 && !parser.got_some() && is_stale_connection(error)) continue;
    co_return fail(to_api_error(error));
  }
}

asio::awaitable<Result<void>> follow_events(
    ClientState* state, const std::function<bool(const nlohmann::json&)>* on_event) {
  websocket::stream<beast::tcp_stream> socket(state->io);
  auto& lowest = beast::get_lowest_layer(socket);
  lowest.expires_after(state->timeout);
  auto [connect_error] = co_await lowest.async_connect(state->address(), use_nothrow);
  if (connect_error) co_return fail(to_api_error(connect_error));
  lowest.expires_never();  // the WebSocket stream applies its own timeouts from here

  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = state->timeout;
  socket.set_option(timeouts);
  socket.read_message_max(kMaxEventBytes);
  std::string authorization = "Bearer " + state->endpoint.token;
  socket.set_option(
      websocket::stream_base::decorator([authorization](websocket::request_type& request) {
        request.set(http::field::authorization, authorization);
        request.set(http::field::user_agent, kUserAgent);
      }));
  websocket::response_type handshake_response;
  auto [handshake_error] = co_await socket.async_handshake(handshake_response, state->host(),
                                                           std::string(kEventsPath), use_nothrow);
  if (handshake_error) {
    auto status = handshake_response.result_int();
    if (status == 401 || status == 403) co_return fail(ApiError::unauthorized);
    if (handshake_error == websocket::error::upgrade_declined)
      co_return fail(ApiError::bad_response);
    co_return fail(to_api_error(handshake_error));
  }

  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    auto [read_error, read] = co_await socket.async_read(buffer, use_nothrow);
    if (read_error == websocket::error::closed) {
      if (socket.reason().code == websocket::close_code::policy_error) {
        co_return fail(ApiError::too_slow);
      }
      co_return fail(ApiError::disconnected);
    }
    if (read_error) {
      if (read_error == beast::error::timeout || is_stale_connection(read_error)) {
        co_return fail(ApiError::disconnected);
      }
      co_return fail(std::error_code(read_error));
    }
    auto event = nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr,
                                       /*allow_exceptions=*/false);
    if (event.is_discarded()) co_return fail(ApiError::bad_response);
    if (!(*on_event)(event)) break;
  }
  auto [close_error] = co_await socket.async_close(websocket::close_code::normal, use_nothrow);
  (void)close_error;  // we are leaving either way; the daemon copes with a cut connection
  co_return Result<void>{};
}

}  // namespace

Client::Client(std::unique_ptr<ClientState> state) : state_(std::move(state)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::connect(const std::filesystem::path& home) {
  auto endpoint = read_api_file(home);
  if (!endpoint) return fail(endpoint.error());
  return connect(*endpoint);
}

Result<Client> Client::connect(const ApiEndpoint& endpoint) {
  auto state = std::make_unique<ClientState>(endpoint);
  if (auto opened = run(state->io, open_connection(state.get())); !opened) {
    return fail(opened.error());
  }
  return Client(std::move(state));
}

void Client::set_timeout(std::chrono::steady_clock::duration timeout) {
  state_->timeout = timeout;
}

Result<Response> Client::request(http::verb method, std::string target,
                                 const nlohmann::json& body) {
  http::request<http::string_body> message(method, target, 11);
  message.set(http::field::host, state_->host());
  message.set(http::field::authorization, "Bearer " + state_->endpoint.token);
  message.set(http::field::user_agent, kUserAgent);
  message.set(http::field::accept, "application/json");
  if (!body.is_null()) {
    message.set(http::field::content_type, "application/json");
    message.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  message.keep_alive(true);
  message.prepare_payload();
  return run(state_->io, exchange(state_.get(), std::move(message)));
}

Result<void> Client::watch(const std::function<bool(const nlohmann::json&)>& on_event) {
  return run(state_->io, follow_events(state_.get(), &on_event));
}

}  // namespace meshchat::api
