// MdnsService: libp2p mDNS discovery on the local network (libp2p/specs discovery/mdns.md):
// announces this node, queries for others and answers their queries over UDP multicast.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"
#include "p2p/host/host.hpp"
#include "p2p/mdns/peer_discovery.hpp"

namespace meshchat::node {

struct MdnsConfig {
  // RFC 6762: the mDNS group and port. Tests in their own network namespace use these too.
  std::string group = "224.0.0.251";
  std::uint16_t port = 5353;
  // Nodes announce themselves at start (twice, a second apart, RFC 6762 §8.3) and query; the
  // periodic query finds peers whose announcements were lost.
  Duration query_interval = std::chrono::seconds(60);
  // At most one response per this interval: a burst of queries gets one answer.
  Duration min_response_interval = std::chrono::milliseconds(500);
};

class MdnsService {
 public:
  using OnDiscovered =
      std::function<void(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses)>;

  MdnsService(p2p::Host& host, Rng& rng, MdnsConfig config, OnDiscovered on_discovered);
  ~MdnsService();
  MdnsService(const MdnsService&) = delete;
  MdnsService& operator=(const MdnsService&) = delete;

  // Binds the mDNS port (shared with other responders on the machine), joins the group on every
  // up, multicast-capable IPv4 interface but loopback, and starts announcing, querying and
  // answering. Fails when no such interface exists or the socket cannot be set up.
  Result<void> start();
  void stop();

  // Interfaces joined (their IPv4 addresses), for logs.
  const std::vector<boost::asio::ip::address_v4>& interfaces() const { return interfaces_; }

 private:
  boost::asio::awaitable<void> receive_loop();
  boost::asio::awaitable<void> query_loop();
  void handle(const p2p::mdns::DnsMessage& message);
  void respond(const p2p::mdns::DnsMessage& response);
  void send(const p2p::mdns::DnsMessage& message);
  p2p::mdns::LocalPeer local_peer() const;

  p2p::Host& host_;
  MdnsConfig config_;
  OnDiscovered on_discovered_;
  std::string peer_name_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint group_endpoint_;
  std::vector<boost::asio::ip::address_v4> interfaces_;
  boost::asio::steady_timer response_timer_;
  boost::asio::steady_timer query_timer_;  // a member: stop() cancels it, so io can finish
  TimePoint last_response_{};
  bool response_pending_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meshchat::node
