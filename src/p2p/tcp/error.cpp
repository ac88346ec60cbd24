#include "p2p/tcp/error.hpp"

namespace meshchat::p2p::tcp {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::timeout:
      return "timeout";
    case Error::unsupported_address:
      return "address not supported by the TCP transport";
    case Error::resolve_failed:
      return "could not resolve address";
    case Error::connection_closed:
      return "connection closed";
  }
  return "unknown transport error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "tcp", describe)

}  // namespace meshchat::p2p::tcp
