#include "node/dht/error.hpp"

namespace meshchat::node::dht {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::no_peers:
      return "no DHT peers in the routing table";
    case Error::not_found:
      return "not found in the DHT";
    case Error::invalid_key:
      return "invalid DHT key";
    case Error::stopped:
      return "the DHT was stopped";
    case Error::closed_early:
      return "the DHT peer closed the stream without answering";
    case Error::wrong_answer:
      return "the DHT peer answered something else than asked";
  }
  return "unknown DHT error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "dht", describe)

}  // namespace meshchat::node::dht
