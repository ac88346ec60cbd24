#include "p2p/tcp/transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/v6_only.hpp>

namespace meshchat::p2p::tcp {

namespace {

void tune(Socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
}

}  // namespace

bool is_tcp_address(const Multiaddr& address) {
  return address.tcp_address().has_value();
}

Result<Endpoint> to_endpoint(const Multiaddr& address) {
  auto tcp = address.tcp_address();
  if (!tcp || (tcp->kind != TcpAddress::Kind::ip4 && tcp->kind != TcpAddress::Kind::ip6)) {
    return fail(Error::unsupported_address);
  }
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(tcp->host, ec);
  if (ec) return fail(Error::unsupported_address);
  return Endpoint(ip, tcp->port);
}

Multiaddr to_multiaddr(const Endpoint& endpoint) {
  auto ip = endpoint.address();
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    ip = asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6());
  }
  return Multiaddr::tcp(ip.to_string(), endpoint.port());
}

asio::awaitable<Result<Socket>> dial(Multiaddr address) {
  auto executor = co_await asio::this_coro::executor;
  auto tcp = address.tcp_address();
  if (!tcp) co_return fail(Error::unsupported_address);
  Socket socket(executor);
  if (tcp->kind == TcpAddress::Kind::ip4 || tcp->kind == TcpAddress::Kind::ip6) {
    auto endpoint = to_endpoint(address);
    if (!endpoint) co_return fail(endpoint.error());
    auto [ec] = co_await socket.async_connect(*endpoint, use_nothrow);
    if (ec) co_return fail(ec);
  } else {
    asio::ip::tcp::resolver resolver(executor);
    auto [rec, results] =
        co_await resolver.async_resolve(tcp->host, std::to_string(tcp->port), use_nothrow);
    if (rec) co_return fail(Error::resolve_failed);
    std::vector<Endpoint> endpoints;
    for (const auto& entry : results) {
      auto ip = entry.endpoint().address();
      if ((tcp->kind == TcpAddress::Kind::dns4 && !ip.is_v4()) ||
          (tcp->kind == TcpAddress::Kind::dns6 && !ip.is_v6())) {
        continue;
      }
      endpoints.push_back(entry.endpoint());
    }
    if (endpoints.empty()) co_return fail(Error::resolve_failed);
    auto [ec, chosen] = co_await asio::async_connect(socket, endpoints, use_nothrow);
    if (ec) co_return fail(ec);
  }
  tune(socket);
  co_return socket;
}

Result<Listener> Listener::bind(const asio::any_io_executor& executor, const Multiaddr& address) {
  auto endpoint = to_endpoint(address);
  if (!endpoint) return fail(endpoint.error());
  asio::ip::tcp::acceptor acceptor(executor);
  boost::system::error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (ec) return fail(ec);
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (endpoint->address().is_v6()) {
    // Keep IPv6 listeners IPv6-only so /ip4/0.0.0.0 and /ip6/:: can share a port.
    acceptor.set_option(asio::ip::v6_only(true), ec);
  }
  acceptor.bind(*endpoint, ec);
  if (ec) return fail(ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec);
  auto bound = acceptor.local_endpoint(ec);
  if (ec) return fail(ec);
  return Listener(std::move(acceptor), to_multiaddr(bound));
}

asio::awaitable<Result<Socket>> Listener::accept() {
  auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
  if (ec) co_return fail(ec);
  tune(socket);
  co_return std::move(socket);
}

void Listener::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace meshchat::p2p::tcp
