#include "node/node.hpp"

#include "meshchat/version.hpp"
#include "p2p/host/echo_service.hpp"
#include "p2p/host/perf_service.hpp"
#include "p2p/host/ping_service.hpp"
#include "p2p/ping/pinger.hpp"

namespace meshchat::node {

std::string agent_version() {
  return std::string("meshchat/") + kVersion;
}

p2p::HostConfig default_host_config() {
  p2p::HostConfig config;
  config.agent_version = agent_version();
  return config;
}

Node::Node(boost::asio::any_io_executor executor, crypto::PrivateKey key)
    : host_(std::make_unique<p2p::Host>(std::move(executor), std::move(key), default_host_config(),
                                        rng_)) {}

Result<std::vector<Multiaddr>> Node::start(const std::vector<Multiaddr>& addresses) {
  host_->set_handler(std::string(p2p::ping::kProtocolId), std::make_shared<p2p::PingService>());
  host_->set_handler(std::string(p2p::perf::kProtocolId), std::make_shared<p2p::PerfService>());
  host_->set_handler(p2p::kEchoProtocol, std::make_shared<p2p::EchoService>());
  return host_->listen(addresses);
}

}  // namespace meshchat::node
