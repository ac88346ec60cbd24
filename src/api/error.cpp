#include "api/error.hpp"

namespace meshchat::api {

namespace {
const char* describe(ApiError e) {
  switch (e) {
    case ApiError::not_running:
      return "the meshchat daemon is not running";
    case ApiError::bad_api_file:
      return "api.json is malformed";
    case ApiError::bad_response:
      return "malformed response from the meshchat daemon";
    case ApiError::timeout:
      return "the meshchat daemon did not answer in time";
    case ApiError::not_loopback:
      return "the API server only listens on a loopback address";
    case ApiError::empty_token:
      return "the API server needs a non-empty bearer token";
    case ApiError::malformed_target:
      return "malformed request target";
    case ApiError::disconnected:
      return "the event stream was closed by the meshchat daemon";
    case ApiError::too_slow:
      return "the meshchat daemon dropped the event stream: events were read too slowly";
    case ApiError::unauthorized:
      return "the meshchat daemon refused the API token (is api.json from another daemon?)";
  }
  return "unknown api error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(ApiError, "api", describe)

}  // namespace meshchat::api
