// Node: a meshchat node assembled from its parts — identity, the libp2p host and the protocol
// services it serves. The daemon runs one; CLI diagnostics run a short-lived one.
#pragma once

#include <memory>
#include <vector>

#include "crypto/random.hpp"
#include "node/identity.hpp"
#include "p2p/host/host.hpp"

namespace meshchat::node {

inline constexpr const char* kDefaultListenIp4 = "/ip4/0.0.0.0/tcp/4001";
inline constexpr const char* kDefaultListenIp6 = "/ip6/::/tcp/4001";

// "meshchat/<version>", identify's agentVersion.
std::string agent_version();
p2p::HostConfig default_host_config();

class Node {
 public:
  Node(boost::asio::any_io_executor executor, crypto::PrivateKey key);

  p2p::Host& host() { return *host_; }
  const crypto::PeerId& peer_id() const { return host_->peer_id(); }

  // Serves ping, perf and echo, and listens on `addresses`; returns the bound addresses.
  Result<std::vector<Multiaddr>> start(const std::vector<Multiaddr>& addresses);
  // Closes listeners and connections; the io_context finishes shortly after.
  void stop() { host_->close(); }

 private:
  crypto::SystemRng rng_;
  std::unique_ptr<p2p::Host> host_;
};

}  // namespace meshchat::node
