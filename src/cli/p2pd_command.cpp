// `meshchat p2pd`: a libp2p host driven through the daemon control protocol. It prints what
// p2pd prints once ready and then serves control clients until SIGTERM or SIGINT.
#include "cli/p2pd_command.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/command.hpp"
#include "crypto/random.hpp"
#include "node/node.hpp"
#include "p2p/host/echo_service.hpp"
#include "p2p/host/ping_service.hpp"
#include "p2p/ping/pinger.hpp"
#include "p2pd/flags.hpp"
#include "p2pd/server.hpp"

namespace meshchat::cli {

namespace {

constexpr int kExitUsage = 2;
// The automake/ctest "skipped" code: the launcher asked for something this daemon lacks.
constexpr int kExitUnsupported = 77;
// After a stop request, connections get up to this long to flush their GoAway; the whole
// shutdown stays under a second.
constexpr auto kShutdownGrace = std::chrono::milliseconds(800);
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);
// p2pd serves an echo protocol (-echo, default on) that interop tests use.
constexpr const char* kP2pdEchoProtocol = "/echo/1.0.0";
// Without -hostAddrs: the TCP part of go-libp2p's default listen addresses.
constexpr const char* kDefaultHostIp4 = "/ip4/0.0.0.0/tcp/0";
constexpr const char* kDefaultHostIp6 = "/ip6/::/tcp/0";
// Larger than any libp2p PrivateKey protobuf (RSA 8192 is about 4.7 KiB).
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

int unsupported(const std::string& reason) {
  std::cerr << "p2pd: " << reason << std::endl;
  return kExitUnsupported;
}

// -id: a binary libp2p PrivateKey protobuf, as p2pd's ReadIdentity reads it.
Result<crypto::PrivateKey> load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::make_error_code(std::errc::no_such_file_or_directory));
  Bytes bytes;
  char c;
  while (bytes.size() <= kMaxKeyFileBytes && in.get(c))
    bytes.push_back(static_cast<std::uint8_t>(c));
  if (bytes.size() > kMaxKeyFileBytes) return fail(std::make_error_code(std::errc::file_too_large));
  return crypto::PrivateKey::from_protobuf(bytes);
}

}  // namespace

int run_p2pd(int argc, char** argv) {
  std::vector<std::string> args(argv + 2, argv + argc);
  auto config = p2pd::parse_config(args);
  if (!config) {
    if (config.error().help) {
      std::cerr << p2pd::config_usage();
      return kExitOk;  // Go's flag package exits 0 for -h
    }
    std::cerr << config.error().message << "\n" << p2pd::config_usage();
    return kExitUsage;
  }
  configure_logging("warn");
  if (config->security.protocols().empty()) {
    return report_error("at least one channel security protocol must be enabled");
  }
  auto control = Multiaddr::parse(config->listen);
  if (!control) return report_error("bad -listen address " + config->listen, control.error());

  std::vector<Multiaddr> host_addrs;
  for (const auto& text : config->host_addrs) {
    auto address = Multiaddr::parse(text);
    if (!address) return report_error("bad -hostAddrs address " + text, address.error());
    if (!address->tcp_address()) {
      config->unsupported.push_back("listening on " + text + " is not supported (TCP only)");
    }
    host_addrs.push_back(std::move(*address));
  }
  if (!config->unsupported.empty()) {
    std::string reasons;
    for (const auto& reason : config->unsupported)
      reasons += (reasons.empty() ? "" : "; ") + reason;
    return unsupported(reasons);
  }

  auto key = config->id.empty() ? Result<crypto::PrivateKey>(crypto::PrivateKey::generate_ed25519())
                                : load_key(config->id);
  if (!key) {
    if (key.error() == crypto::Error::unsupported_key_type) {
      return unsupported("the key in " + config->id + ": " + key.error().message());
    }
    return report_error("cannot read identity " + config->id, key.error());
  }

  boost::asio::io_context io(1);
  // Installed before the ready lines: a launcher may signal as soon as it reads them.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  crypto::SystemRng rng;
  auto host_config = node::default_host_config();
  host_config.security.clear();
  for (const auto& protocol : config->security.protocols()) {
    if (auto security = p2p::security_from_protocol(protocol)) {
      host_config.security.push_back(*security);
    }
  }
  // With several on offer, a dial must find out which one the peer speaks.
  host_config.optimistic_security = host_config.security.size() == 1;
  p2p::Host host(io.get_executor(), std::move(*key), std::move(host_config), rng);
  spdlog::debug("p2pd: security {}", fmt::join(config->security.protocols(), ","));
  host.set_handler(std::string(p2p::ping::kProtocolId), std::make_shared<p2p::PingService>());
  if (config->echo) host.set_handler(kP2pdEchoProtocol, std::make_shared<p2p::EchoService>());

  if (!config->no_listen) {
    if (config->host_addrs.empty()) {
      auto ip4 = host.listen({*Multiaddr::parse(kDefaultHostIp4)});
      if (!ip4)
        return report_error("cannot listen on " + std::string(kDefaultHostIp4), ip4.error());
      // A machine without IPv6 still serves on IPv4.
      if (auto ip6 = host.listen({*Multiaddr::parse(kDefaultHostIp6)}); !ip6) {
        spdlog::info("p2pd: not listening on {}: {}", kDefaultHostIp6, ip6.error().message());
      }
    } else if (auto bound = host.listen(host_addrs); !bound) {
      return report_error("cannot listen", bound.error());
    }
  }

  std::unique_ptr<node::dht::Dht> dht;
  if (config->dht != p2pd::DhtChoice::off) {
    node::dht::DhtConfig dht_config;
    dht_config.mode =
        config->dht == p2pd::DhtChoice::server ? node::dht::Mode::server : node::dht::Mode::client;
    dht = std::make_unique<node::dht::Dht>(host, dht_config);
    dht->start();
  }

  auto server = p2pd::Server::start(host, *control);
  if (!server)
    return report_error("cannot serve control endpoint " + config->listen, server.error());
  (*server)->set_dht(dht.get());

  if (!config->quiet) {
    std::cout << "Control socket: " << (*server)->address().to_string() << "\n";
    std::cout << "Peer ID: " << host.peer_id().to_base58() << "\n";
    std::cout << "Peer Addrs:\n";
    for (const auto& address : (*server)->host_addresses())
      std::cout << address.to_string() << "\n";
    std::cout.flush();
  }

  boost::asio::steady_timer poll(io);
  TimePoint deadline{};
  std::function<void()> wait_for_connections = [&] {
    if (host.connections().empty() || Clock::now() >= deadline) return io.stop();
    poll.expires_after(kShutdownPoll);
    poll.async_wait([&](const boost::system::error_code&) { wait_for_connections(); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (dht) dht->stop();
    (*server)->close();
    host.close();
    deadline = Clock::now() + kShutdownGrace;
    wait_for_connections();
  });
  io.run();
  (*server)->close();
  return kExitOk;
}

}  // namespace meshchat::cli
