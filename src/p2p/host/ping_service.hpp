// `/ipfs/ping/1.0.0` over the host: the responder handler and a client that measures RTTs on
// one stream, as ping.md intends (the stream is reused for every ping).
#pragma once

#include "p2p/host/host.hpp"

namespace meshchat::p2p {

class PingService final : public StreamHandler {
 public:
  asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override;
};

// Sends one ping on `stream` and waits for its echo.
asio::awaitable<Result<Duration>> ping_once(Stream& stream, Rng& rng);

}  // namespace meshchat::p2p
