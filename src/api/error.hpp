// Errors of the local API: the daemon's HTTP/WebSocket server, api.json and the CLI's client.
// Values are stable; never renumber.
#pragma once

#include "core/error_category.hpp"

namespace meshchat::api {

enum class ApiError {
  not_running = 1,   // no api.json, or nothing accepts on its port: the daemon is not running
  bad_api_file,      // api.json is not JSON, lacks port or token, or its port is out of range
  bad_response,      // the daemon's reply is not the HTTP, WebSocket or JSON expected
  timeout,           // the daemon did not answer within the client's timeout
  not_loopback,      // ServerConfig::address is not a loopback IP address
  empty_token,       // ServerConfig::token is empty: every request would be refused
  malformed_target,  // request target not an origin-form path, bad percent-encoding, or an
                     // encoded '/' or NUL in the path
  disconnected,      // the event stream ended: the daemon stopped or the connection broke
  too_slow,          // the daemon dropped our event stream because we read it too slowly
  unauthorized,      // the daemon refused the token (401) or the origin (403)
};
MESHCHAT_DECLARE_ERROR_CODE(ApiError)

}  // namespace meshchat::api

MESHCHAT_REGISTER_ERROR_CODE(meshchat::api::ApiError)
