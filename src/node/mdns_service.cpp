#include "node/mdns_service.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <cstring>

#include "api/log_failure.hpp"
#include "p2p/tcp/async.hpp"
#include "p2p/tcp/interfaces.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
namespace mdns = p2p::mdns;
using asio::ip::address_v4;
using asio::ip::udp;

namespace {

// Up, multicast-capable IPv4 interfaces other than loopback, by address.
std::vector<address_v4> multicast_interfaces() {
  std::vector<address_v4> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    const auto flags = it->ifa_flags;
    if ((flags & IFF_UP) == 0 || (flags & IFF_MULTICAST) == 0 || (flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, 4);
    address_v4 address(bytes);
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  ::freeifaddrs(list);
  return out;
}

// Addresses worth announcing on a local network: the listeners' (wildcards expanded), minus
// loopback, which would send a peer on another machine to itself.
std::vector<Multiaddr> announceable(const std::vector<Multiaddr>& listening) {
  std::vector<Multiaddr> out;
  for (const auto& listener : listening) {
    for (auto& address : p2p::tcp::expand_wildcard(listener)) {
      auto tcp = address.tcp_address();
      if (!tcp) continue;
      if (tcp->host.starts_with("127.") || tcp->host == "::1") continue;
      out.push_back(std::move(address));
    }
  }
  return out;
}

}  // namespace

MdnsService::MdnsService(p2p::Host& host, Rng& rng, MdnsConfig config, OnDiscovered on_discovered)
    : host_(host),
      config_(std::move(config)),
      on_discovered_(std::move(on_discovered)),
      peer_name_(mdns::random_peer_name(rng)),
      socket_(host.executor()),
      response_timer_(host.executor()),
      query_timer_(host.executor()) {}

MdnsService::~MdnsService() {
  stop();
}

Result<void> MdnsService::start() {
  boost::system::error_code ec;
  auto group = asio::ip::make_address_v4(config_.group, ec);
  if (ec) return fail(std::make_error_code(std::errc::invalid_argument));
  group_endpoint_ = udp::endpoint(group, config_.port);
  interfaces_ = multicast_interfaces();
  if (interfaces_.empty()) return fail(std::make_error_code(std::errc::network_unreachable));

  auto failed = [&](const char* step) -> Result<void> {
    spdlog::warn("mdns: cannot {}: {}", step, ec.message());
    socket_.close(ec);
    return fail(std::make_error_code(std::errc::io_error));
  };
  socket_.open(udp::v4(), ec);
  if (ec) return failed("open a UDP socket");
  socket_.set_option(udp::socket::reuse_address(true), ec);
  if (ec) return failed("share the mDNS port");
  // Other responders on this machine (avahi, another node) bind the same port.
  int on = 1;
  if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    ec.assign(errno, boost::system::system_category());
    return failed("share the mDNS port");
  }
  socket_.bind(udp::endpoint(address_v4::any(), config_.port), ec);
  if (ec) return failed("bind the mDNS port");
  // RFC 6762 §11: multicast with TTL 255; our own packets come back, which lets nodes on the
  // same machine find each other.
  socket_.set_option(asio::ip::multicast::hops(255), ec);
  if (ec) return failed("set the multicast TTL");
  socket_.set_option(asio::ip::multicast::enable_loopback(true), ec);
  if (ec) return failed("enable multicast loopback");
  std::size_t joined = 0;
  for (const auto& interface : interfaces_) {
    socket_.set_option(asio::ip::multicast::join_group(group, interface), ec);
    if (ec) {
      spdlog::debug("mdns: cannot join {} on {}: {}", config_.group, interface.to_string(),
                    ec.message());
      continue;
    }
    ++joined;
  }
  if (joined == 0) return failed("join the mDNS group on any interface");
  socket_.non_blocking(true, ec);

  asio::co_spawn(host_.executor(), receive_loop(), api::LogFailure{"mDNS receive loop"});
  asio::co_spawn(host_.executor(), query_loop(), api::LogFailure{"mDNS query loop"});
  return {};
}

void MdnsService::stop() {
  *alive_ = false;
  boost::system::error_code ignored;
  response_timer_.cancel();
  query_timer_.cancel();
  socket_.close(ignored);
}

mdns::LocalPeer MdnsService::local_peer() const {
  return mdns::LocalPeer{host_.peer_id(), peer_name_, announceable(host_.listen_addresses())};
}

void MdnsService::send(const mdns::DnsMessage& message) {
  auto bytes = mdns::encode(message);
  if (!bytes) {
    spdlog::warn("mdns: cannot encode a message: {}", bytes.error().message());
    return;
  }
  for (const auto& interface : interfaces_) {
    boost::system::error_code ec;
    socket_.set_option(asio::ip::multicast::outbound_interface(interface), ec);
    if (!ec) socket_.send_to(asio::buffer(*bytes), group_endpoint_, 0, ec);
    // A full send buffer or a vanished interface costs one packet; the next query repairs it.
    if (ec) spdlog::debug("mdns: send on {} failed: {}", interface.to_string(), ec.message());
  }
}

void MdnsService::respond(const mdns::DnsMessage& response) {
  auto now = Clock::now();
  if (now - last_response_ >= config_.min_response_interval) {
    last_response_ = now;
    send(response);
    return;
  }
  if (response_pending_) return;  // the answer already scheduled describes us as well
  response_pending_ = true;
  response_timer_.expires_at(last_response_ + config_.min_response_interval);
  response_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    response_pending_ = false;
    last_response_ = Clock::now();
    send(mdns::make_announcement(local_peer()));
  });
}

void MdnsService::handle(const mdns::DnsMessage& message) {
  if (!message.response) {
    if (auto response = mdns::make_response(message, local_peer())) respond(*response);
    return;
  }
  for (const auto& found : mdns::discovered_peers(message, host_.peer_id())) {
    on_discovered_(found.peer, found.addresses);
  }
}

asio::awaitable<void> MdnsService::receive_loop() {
  auto alive = alive_;
  std::vector<std::uint8_t> buffer(mdns::kMaxMessageBytes);
  asio::steady_timer pause(host_.executor());
  while (*alive) {
    udp::endpoint sender;
    auto [ec, size] =
        co_await socket_.async_receive_from(asio::buffer(buffer), sender, p2p::use_nothrow);
    if (!*alive || ec == asio::error::operation_aborted || !socket_.is_open()) co_return;
    if (ec) {
      spdlog::debug("mdns: receive failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));  // never spin on a broken socket
      co_await pause.async_wait(p2p::use_nothrow);
      continue;
    }
    auto message = mdns::decode(ByteView(buffer.data(), size));
    if (!message) {
      spdlog::debug("mdns: bad message from {}: {}", sender.address().to_string(),
                    message.error().message());
      continue;
    }
    handle(*message);
  }
}

asio::awaitable<void> MdnsService::query_loop() {
  auto alive = alive_;
  send(mdns::make_announcement(local_peer()));
  send(mdns::make_query());
  query_timer_.expires_after(std::chrono::seconds(1));
  co_await query_timer_.async_wait(p2p::use_nothrow);
  if (!*alive) co_return;
  send(mdns::make_announcement(local_peer()));
  while (*alive) {
    query_timer_.expires_after(config_.query_interval);
    co_await query_timer_.async_wait(p2p::use_nothrow);
    if (!*alive) co_return;
    send(mdns::make_query());
  }
}

}  // namespace meshchat::node
