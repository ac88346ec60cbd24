// The daemon's local API routes (docs/api.md): identity, status, peers, presence, contacts,
// conversations, messages, read markers, typing and sync, served by api::Server over the node's
// Messenger.
#pragma once

#include <cstdint>
#include <string>

#include "api/router.hpp"
#include "node/chat/messenger.hpp"
#include "node/dht/dht.hpp"

namespace meshchat::node {

struct ApiContext {
  p2p::Host& host;
  Messenger& messenger;
  std::string nickname;
  std::uint16_t api_port = 0;
  TimePoint started;
  std::string api_token;
  const dht::Dht* dht = nullptr;  // null when the daemon runs without the DHT
};

// `context` must outlive the router's use.
void register_chat_routes(api::Router& router, ApiContext& context);

}  // namespace meshchat::node
