#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>

#include "api/error.hpp"
#include "api/http_session.hpp"
#include "api/server_state.hpp"

namespace meshchat::api {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace detail {

namespace {

// After a failed accept (out of file descriptors, say) wait this long before retrying, so the
// loop does not spin while the condition lasts.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
  while (!state->stopped) {
    auto [ec, socket] = co_await state->acceptor->async_accept(use_nothrow);
    if (state->stopped) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      spdlog::warn("api: accept failed: {}", ec.message());
      asio::steady_timer pause(state->executor, kAcceptRetryDelay);
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    if (state->open_sessions() >= state->config.max_connections) {
      spdlog::warn("api: {} connections open; refusing another", state->config.max_connections);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto session = std::make_shared<HttpSession>(state, std::move(socket));
    state->track(session);
    asio::co_spawn(state->executor, HttpSession::run(session), LogFailure{"api connection"});
  }
}

}  // namespace

void ServerState::track(const std::shared_ptr<Session>& session) {
  std::erase_if(sessions, [](const auto& weak) { return weak.expired(); });
  sessions.push_back(session);
  if (stopped) session->stop();  // started while stop() ran: ends at once
}

std::size_t ServerState::open_sessions() {
  std::erase_if(sessions, [](const auto& weak) { return weak.expired(); });
  return sessions.size();
}

}  // namespace detail

Server::Server(asio::any_io_executor executor, ServerConfig config, Router& router,
               EventHub& events)
    : state_(std::make_shared<detail::ServerState>(std::move(executor), std::move(config), router,
                                                   events)) {}

Server::~Server() {
  stop();
}

Result<std::uint16_t> Server::start() {
  auto& state = *state_;
  if (state.acceptor) throw std::logic_error("api::Server::start called twice");
  if (state.stopped) return fail(std::make_error_code(std::errc::operation_canceled));
  if (state.config.token.empty()) return fail(ApiError::empty_token);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(state.config.address, ec);
  if (ec || !address.is_loopback()) return fail(ApiError::not_loopback);

  tcp::endpoint endpoint(address, state.config.port);
  tcp::acceptor acceptor(state.executor);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(std::error_code(ec));
  auto port = acceptor.local_endpoint(ec).port();
  if (ec) return fail(std::error_code(ec));

  state.policy = AccessPolicy{state.config.token, port};
  state.acceptor.emplace(std::move(acceptor));
  asio::co_spawn(state.executor, detail::accept_loop(state_), detail::LogFailure{"api acceptor"});
  spdlog::info("api: listening on http://{}:{}", state.config.address, port);
  return port;
}

void Server::stop() {
  auto& state = *state_;
  if (state.stopped) return;
  state.stopped = true;
  boost::system::error_code ignored;
  if (state.acceptor) state.acceptor->close(ignored);
  // A session's stop() may change the registry; work on a copy.
  auto sessions = state.sessions;
  for (auto& weak : sessions) {
    if (auto session = weak.lock()) session->stop();
  }
}

std::size_t Server::connections() const {
  return state_->open_sessions();
}

}  // namespace meshchat::api
