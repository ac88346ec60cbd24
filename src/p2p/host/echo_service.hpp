// `/meshchat/echo/1.0.0`: writes back every byte it reads and half-closes when the peer does.
// A diagnostic protocol for connectivity and interop checks (large transfers, many streams).
#pragma once

#include "p2p/host/host.hpp"

namespace meshchat::p2p {

inline constexpr const char* kEchoProtocol = "/meshchat/echo/1.0.0";

class EchoService final : public StreamHandler {
 public:
  asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override;
};

}  // namespace meshchat::p2p
