// The CLI's synchronous client of the daemon's local API: finds it through <home>/api.json,
// sends JSON requests over one keep-alive connection, and follows the WebSocket event stream.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_file.hpp"
#include "api/router.hpp"
#include "api/target.hpp"  // encode_component, with_query: building targets
#include "core/result.hpp"

namespace meshchat::api {

namespace detail {
struct ClientState;
}

// How long one request (connect, send, full reply) may take. Local handlers answer in
// milliseconds; this only catches a daemon that hangs.
inline constexpr std::chrono::seconds kClientTimeout{30};

class Client {
 public:
  // Reads api.json and connects. ApiError::not_running when the file is missing or nothing
  // accepts on its port (a daemon that died without removing it).
  static Result<Client> connect(const std::filesystem::path& home);
  static Result<Client> connect(const ApiEndpoint& endpoint);

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // Sends one request (`target` is the path and query, already percent-encoded: see
  // encode_component); a non-null `body` goes as JSON. Returns the status and the JSON body
  // (null when empty), whatever the status. Errors: ApiError::timeout, ApiError::bad_response
  // (not HTTP or not JSON), ApiError::not_running, or the socket error.
  Result<Response> request(boost::beast::http::verb method, std::string target,
                           const nlohmann::json& body = nullptr);

  // Opens the event stream and calls on_event for each event until it returns false (then
  // closes the stream and succeeds). Fails with ApiError::disconnected when the daemon closes
  // the stream or the connection breaks, ApiError::too_slow when it dropped us for reading too
  // slowly, ApiError::unauthorized on a refused token.
  Result<void> watch(const std::function<bool(const nlohmann::json&)>& on_event);

  // Overrides kClientTimeout (tests).
  void set_timeout(std::chrono::steady_clock::duration timeout);

 private:
  explicit Client(std::unique_ptr<detail::ClientState> state);
  std::unique_ptr<detail::ClientState> state_;
};

}  // namespace meshchat::api
