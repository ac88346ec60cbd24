#include "p2p/ping/error.hpp"

namespace meshchat::p2p::ping {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::mismatch:
      return "ping echo does not match the payload";
    case Error::unexpected_bytes:
      return "ping bytes with no payload outstanding";
    case Error::truncated:
      return "ping stream ended inside a payload";
    case Error::flooded:
      return "ping peer sends faster than it reads";
  }
  return "unknown ping error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "ping", describe)

}  // namespace meshchat::p2p::ping
