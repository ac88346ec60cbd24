// The TCP transport: listen on and dial /ip4|/ip6|/dns*/…/tcp/PORT multiaddrs with Boost.Asio.
// Sockets come out connected with TCP_NODELAY set; security and muxing are the upgrader's job.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "core/multiaddr.hpp"
#include "core/result.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::p2p::tcp {

using Socket = asio::ip::tcp::socket;
using Endpoint = asio::ip::tcp::endpoint;

// An /ip4 or /ip6 TCP multiaddr as an endpoint; DNS names are not resolved here.
Result<Endpoint> to_endpoint(const Multiaddr& address);
Multiaddr to_multiaddr(const Endpoint& endpoint);
bool is_tcp_address(const Multiaddr& address);

// Connects to `address` (a trailing /p2p/ is ignored), resolving DNS names and trying each result.
asio::awaitable<Result<Socket>> dial(Multiaddr address);

class Listener {
 public:
  static Result<Listener> bind(const asio::any_io_executor& executor, const Multiaddr& address);
  // The bound address, with the real port when the request asked for port 0.
  const Multiaddr& address() const { return address_; }
  asio::awaitable<Result<Socket>> accept();
  void close();
  bool is_open() const { return acceptor_.is_open(); }

 private:
  Listener(asio::ip::tcp::acceptor acceptor, Multiaddr address)
      : acceptor_(std::move(acceptor)), address_(std::move(address)) {}
  asio::ip::tcp::acceptor acceptor_;
  Multiaddr address_;
};

}  // namespace meshchat::p2p::tcp
