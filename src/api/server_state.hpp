// What the API server's connections share: config, router, event hub, access policy and the
// registry of open sessions that stop() closes. Internal to the server.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "api/access.hpp"
#include "api/event_hub.hpp"
#include "api/log_failure.hpp"
#include "api/router.hpp"
#include "api/server.hpp"

namespace meshchat::api::detail {

// I/O errors are values: completions return (error_code, result...) tuples.
inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

// An open connection that stop() can close.
class Session {
 public:
  virtual ~Session() = default;
  virtual void stop() = 0;
};

struct ServerState {
  ServerState(boost::asio::any_io_executor executor, ServerConfig config, Router& router,
              EventHub& events)
      : executor(std::move(executor)), config(std::move(config)), router(router), events(events) {}

  // Registers a session for stop(); sessions unregister by being destroyed.
  void track(const std::shared_ptr<Session>& session);
  std::size_t open_sessions();

  boost::asio::any_io_executor executor;
  ServerConfig config;
  Router& router;
  EventHub& events;
  AccessPolicy policy;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::vector<std::weak_ptr<Session>> sessions;
  bool stopped = false;
};

using api::LogFailure;

}  // namespace meshchat::api::detail
