// p2pd's DHT requests (specs/p2pd DHT.md) served by node::dht::Dht: each request becomes the
// control frames written back, one Response and, for streamed results, DHTResponse VALUEs and END.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "node/dht/dht.hpp"

namespace meshchat::p2pd {

// The bodies (unframed) answering the DHT request `body`; `timeout` bounds the operation unless
// the request names its own (`timeout_of` maps that; nullopt means refused as too long).
// Without a DHT (`dht` null) the answer is an error telling the client to start p2pd with -dht.
boost::asio::awaitable<std::vector<Bytes>> serve_dht_request(
    node::dht::Dht* dht, Bytes body,
    std::function<std::optional<Duration>(std::optional<std::int64_t>)> timeout_of);

}  // namespace meshchat::p2pd
