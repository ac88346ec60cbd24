#include "p2p/tcp/interfaces.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cstring>

namespace meshchat::p2p::tcp {

std::vector<Multiaddr> expand_wildcard(const Multiaddr& address) {
  auto tcp = address.tcp_address();
  if (!tcp || (tcp->host != "0.0.0.0" && tcp->host != "::")) return {address};
  bool want_v6 = tcp->kind == TcpAddress::Kind::ip6;
  std::vector<Multiaddr> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {address};
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_UP) == 0) continue;
    if (!want_v6 && it->ifa_addr->sa_family == AF_INET) {
      std::array<std::uint8_t, 4> ip;
      std::memcpy(ip.data(), &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, 4);
      out.push_back(Multiaddr::tcp(ip, tcp->port));
    } else if (want_v6 && it->ifa_addr->sa_family == AF_INET6) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(it->ifa_addr);
      // Link-local addresses need a zone to be dialed; multiaddr has no place for it.
      if (IN6_IS_ADDR_LINKLOCAL(&v6->sin6_addr)) continue;
      std::array<std::uint8_t, 16> ip;
      std::memcpy(ip.data(), &v6->sin6_addr, 16);
      out.push_back(Multiaddr::tcp(ip, tcp->port));
    }
  }
  ::freeifaddrs(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) out.push_back(address);
  return out;
}

}  // namespace meshchat::p2p::tcp
