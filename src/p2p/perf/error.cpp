#include "p2p/perf/error.hpp"

namespace meshchat::p2p::perf {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::request_too_large:
      return "perf request above the server's limit";
    case Error::truncated_request:
      return "perf stream closed before the request";
    case Error::early_response:
      return "perf server replied or closed before the upload ended";
    case Error::too_much_data:
      return "perf server sent more than requested";
    case Error::short_response:
      return "perf server sent less than requested";
  }
  return "unknown perf error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "perf", describe)

}  // namespace meshchat::p2p::perf
