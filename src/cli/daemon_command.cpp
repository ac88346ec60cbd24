// `meshchat daemon`: runs the node, its chat protocols and the local API until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/api_file.hpp"
#include "api/event_hub.hpp"
#include "api/server.hpp"
#include "chat/store_worker.hpp"
#include "cli/command.hpp"
#include "node/chat/messenger.hpp"
#include "node/chat_api.hpp"
#include "node/dht/dht.hpp"
#include "node/home.hpp"
#include "node/identity.hpp"
#include "node/mdns_service.hpp"
#include "node/node.hpp"
#include "p2p/tcp/interfaces.hpp"
#include "store/home_lock.hpp"

namespace meshchat::cli {

namespace {

// After a stop request, connections get up to this long to flush their GoAway before we exit.
constexpr auto kShutdownGrace = std::chrono::milliseconds(800);
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);

struct DaemonOptions {
  std::vector<std::string> listen;
  bool no_mdns = false;
  std::string dht = "server";
  std::string log_level = "info";
  std::uint16_t api_port = 0;
};

// The contact's addresses as the DHT knows them (any node connected to it can tell).
boost::asio::awaitable<Result<std::vector<Multiaddr>>> find_with_dht(node::dht::Dht* dht,
                                                                     crypto::PeerId peer) {
  auto found = co_await dht->find_peer(std::move(peer));
  if (!found) co_return fail(found.error());
  co_return std::move(found->addresses);
}

// Everything that runs once the io_context does: the chat protocols, then the API, then the
// lines a supervisor waits for. A stop request may come while the store answers (`*stopping`):
// the API is then neither started nor announced.
boost::asio::awaitable<Result<void>> start_services(node::Messenger* messenger, api::Server* server,
                                                    node::ApiContext* context,
                                                    std::filesystem::path home,
                                                    const bool* stopping) {
  if (auto started = co_await messenger->start(); !started) co_return started;
  if (*stopping) co_return fail(std::make_error_code(std::errc::operation_canceled));
  auto port = server->start();
  if (!port) co_return fail(port.error());
  context->api_port = *port;
  if (auto written = api::write_api_file(home, {*port, context->api_token}); !written) {
    co_return fail(written.error());
  }
  std::cout << "api http://127.0.0.1:" << *port << "\n";
  std::cout.flush();
  co_return Result<void>{};
}

int run_daemon(const GlobalOptions& globals, const DaemonOptions& options) {
  configure_logging(options.log_level);
  auto home = globals.resolved_home();
  auto identity = node::load_identity(home);
  if (!identity) return report_error(home.string(), identity.error());
  // One daemon per home: two would fight over the database and the outbox.
  auto lock = store::HomeLock::acquire(home);
  if (!lock) return report_error(store::describe_lock_error(lock.error(), home));

  std::vector<Multiaddr> listen;
  auto requested = options.listen;
  if (requested.empty()) requested = {node::kDefaultListenIp4, node::kDefaultListenIp6};
  for (const auto& text : requested) {
    auto address = Multiaddr::parse(text);
    if (!address) return report_error("bad listen address " + text, address.error());
    if (!address->tcp_address()) {
      return report_error("listen address " + text + " is not a TCP address");
    }
    listen.push_back(std::move(*address));
  }

  boost::asio::io_context io(1);
  // After io: the worker finishes its jobs and posts their completions while io still exists.
  auto store = chat::StoreWorker::start(home / node::kDatabaseFileName, identity->peer_id);
  if (!store) return report_error("cannot open the database", store.error());
  // Installed before "listening" is printed: a supervisor may signal as soon as it reads it.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  node::Node node(io.get_executor(), identity->key);
  auto bound = node.start(listen);
  if (!bound) return report_error("cannot listen", bound.error());
  auto p2p = Multiaddr::p2p(node.peer_id().bytes());
  for (const auto& address : *bound) {
    for (const auto& expanded : p2p::tcp::expand_wildcard(address)) {
      std::cout << "listening " << expanded.encapsulate(*p2p).to_string() << "\n";
    }
  }
  std::cout.flush();

  api::EventHub events;
  api::Router router;
  node::Messenger messenger(node.host(), **store,
                            [&events](nlohmann::json event) { events.publish(event); });
  messenger.set_events_wanted([&events] { return events.subscribers() > 0; });
  // The DHT finds contacts whose stored addresses no longer work, through any node that knows
  // where they are now (a common contact, say).
  std::unique_ptr<node::dht::Dht> dht;
  if (options.dht != "off") {
    node::dht::DhtConfig dht_config;
    dht_config.mode = options.dht == "client" ? node::dht::Mode::client : node::dht::Mode::server;
    dht = std::make_unique<node::dht::Dht>(node.host(), dht_config);
    dht->start();
    messenger.set_peer_resolver(
        [dht = dht.get()](crypto::PeerId peer) { return find_with_dht(dht, std::move(peer)); });
  }
  node::ApiContext context{node.host(), messenger,    identity->nickname,
                           0,           Clock::now(), api::generate_token()};
  context.dht = dht.get();
  node::register_chat_routes(router, context);
  api::ServerConfig server_config;
  server_config.port = options.api_port;
  server_config.token = context.api_token;
  api::Server server(io.get_executor(), server_config, router, events);

  // Local-network discovery: contacts found by mDNS are dialed at their announced addresses.
  crypto::SystemRng mdns_rng;
  std::unique_ptr<node::MdnsService> mdns;
  auto start_mdns = [&] {
    if (options.no_mdns) return;
    mdns = std::make_unique<node::MdnsService>(
        node.host(), mdns_rng, node::MdnsConfig{},
        [&messenger](const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses) {
          messenger.peer_discovered(peer, addresses);
        });
    if (auto started = mdns->start(); !started) {
      spdlog::warn("mDNS discovery is off: {}", started.error().message());
      mdns.reset();
      return;
    }
    spdlog::info("mDNS discovery on {} interface(s)", mdns->interfaces().size());
  };

  int exit_code = kExitOk;
  boost::asio::steady_timer poll(io);
  TimePoint deadline{};
  std::function<void()> wait_for_connections = [&] {
    if (node.host().connections().empty() || Clock::now() >= deadline) return io.stop();
    poll.expires_after(kShutdownPoll);
    poll.async_wait([&](const boost::system::error_code&) { wait_for_connections(); });
  };
  auto close_connections = [&] {
    messenger.stop();
    node.stop();
    deadline = Clock::now() + kShutdownGrace;
    wait_for_connections();
  };
  bool stopping = false;
  auto shut_down = [&] {
    if (stopping) return;
    stopping = true;
    api::remove_api_file(home);
    server.stop();
    if (mdns) mdns->stop();
    if (dht) dht->stop();
    // Contacts hear "offline" while the connections are still open; announce_offline() returns
    // within MessengerConfig::offline_notice_limit whatever the network does.
    boost::asio::co_spawn(io, messenger.announce_offline(),
                          [&](std::exception_ptr) { close_connections(); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    shut_down();
  });
  boost::asio::co_spawn(io, start_services(&messenger, &server, &context, home, &stopping),
                        [&](std::exception_ptr failure, Result<void> started) {
                          if (failure) std::rethrow_exception(failure);
                          // Stopped while starting: not a failure, and nothing left to start.
                          if (stopping) return;
                          if (started) return start_mdns();
                          exit_code = report_error("cannot start", started.error());
                          signals.cancel();
                          shut_down();
                        });
  spdlog::info("meshchat {} running as {} (home {})", node::agent_version(),
               node.peer_id().to_base58(), home.string());
  io.run();
  return exit_code;
}

}  // namespace

void register_daemon_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto options = std::make_shared<DaemonOptions>();
  auto* daemon = app.add_subcommand("daemon", "Run the node");
  daemon->add_option("--listen", options->listen,
                     "Listen multiaddr (repeatable; default /ip4/0.0.0.0/tcp/4001 and "
                     "/ip6/::/tcp/4001)");
  daemon->add_flag("--no-mdns", options->no_mdns, "Do not announce or discover peers via mDNS");
  daemon
      ->add_option("--dht", options->dht,
                   "Kademlia DHT mode: server (answer other nodes' queries), client (only ask) "
                   "or off")
      ->check(CLI::IsMember({"server", "client", "off"}));
  daemon->add_option("--api-port", options->api_port,
                     "Port of the local API on 127.0.0.1 (default: any free port)");
  daemon->add_option("--log-level", options->log_level, "off, error, warn, info or debug")
      ->check(CLI::IsMember({"off", "error", "warn", "info", "debug", "trace"}));
  daemon->callback([&globals, &exit_code, options] { exit_code = run_daemon(globals, *options); });
}

}  // namespace meshchat::cli
