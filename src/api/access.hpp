// Who may use the local API: the Host header (against DNS rebinding), the bearer token (compared
// in constant time) and, for browsers, the Origin header. Decides from a request's header alone,
// before its body is read.
#pragma once

#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/router.hpp"
#include "api/target.hpp"

namespace meshchat::api {

// The token of an Authorization value "Bearer <token>" (scheme case-insensitive, RFC 9110
// §11.1), or nullopt for any other scheme or shape.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Equal strings, in time that depends only on their lengths (the token length is public).
// An empty `expected` matches nothing.
bool token_equal(std::string_view presented, std::string_view expected);

// The page origins that may call the API served on `port`: the daemon's own web UI, exactly
// "http://127.0.0.1:<port>" or "http://localhost:<port>".
bool origin_allowed(std::string_view origin, std::uint16_t port);

// The Host values a request to the API served on `port` may carry: "127.0.0.1:<port>" or
// "localhost:<port>" (host name case-insensitive). A page on a rebound DNS name reaches the port
// with its own name as Host, so anything else is refused even before the token is looked at.
bool host_allowed(std::string_view host, std::uint16_t port);

struct AccessPolicy {
  std::string token;   // the bearer token every request must present
  std::uint16_t port;  // the port the server is bound to, for host_allowed and origin_allowed
};

// nullopt when the request may proceed, else the response refusing it, checked in this order:
// 400 when Host is absent or repeated (HTTP/1.1 requires exactly one), 403 {"error":"host not
// allowed"} when it is not host_allowed, 403 {"error":"origin not allowed"} when an Origin
// header is present and not allowed (or repeated), then 401 when the token is missing or wrong. A
// WebSocket upgrade may carry the token as the `token` query parameter instead, because browsers
// cannot set headers on WebSockets.
std::optional<Response> check_access(const boost::beast::http::request_header<>& header,
                                     const Target& target, bool websocket_upgrade,
                                     const AccessPolicy& policy);

}  // namespace meshchat::api
