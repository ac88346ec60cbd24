// p2pd's flag table (go-libp2p-daemon p2pd/main.go) mapped onto Config.
#include <sstream>

#include "p2pd/flags.hpp"

namespace meshchat::p2pd {

namespace {

// Every flag p2pd defines, with its default. Flags for features this daemon does not have are
// still accepted, so launchers written for p2pd get a clear "unsupported" (exit 77) instead of
// a usage error.
struct Values {
  std::string listen = Config{}.listen;
  bool quiet = false;
  std::string id;
  bool bootstrap = false;
  std::string bootstrap_peers;
  bool dht = false;
  bool dht_client = false;
  bool dht_server = false;
  bool conn_manager = false;
  std::int64_t conn_lo = 256;
  std::int64_t conn_hi = 512;
  Duration conn_grace = std::chrono::seconds(120);
  bool nat_port_map = false;
  bool pubsub = false;
  std::string pubsub_router = "gossipsub";
  bool pubsub_sign = true;
  bool pubsub_sign_strict = true;
  Duration gossipsub_heartbeat_interval{};
  Duration gossipsub_heartbeat_initial_delay{};
  bool relay = true;
  bool relay_active = false;
  bool relay_hop = false;
  std::int64_t relay_hop_limit = 0;
  bool relay_discovery = false;
  bool auto_relay = false;
  bool autonat = false;
  std::string host_addrs;
  std::string announce_addrs;
  bool no_listen = false;
  std::string metrics_addr;
  std::string config_file;
  bool config_stdin = false;
  bool pprof = false;
  std::uint64_t pprof_port = 0;
  bool noise = true;
  bool tls = true;
  // p2pd defaults to true; an unauthenticated channel must never be on without being asked for.
  bool plaintext = false;
  bool force_public = false;
  bool force_private = false;
  std::string muxer = "yamux";
  bool echo = true;
};

void define(FlagSet& f, Values& v) {
  f.add_string("listen", &v.listen, "daemon control listen multiaddr");
  f.add_bool("q", &v.quiet, "be quiet");
  f.add_string("id", &v.id, "peer identity; private key file");
  f.add_bool("b", &v.bootstrap, "connects to bootstrap peers and bootstraps the dht if enabled");
  f.add_string("bootstrapPeers", &v.bootstrap_peers,
               "comma separated list of bootstrap peers; defaults to the IPFS DHT peers");
  f.add_bool("dht", &v.dht, "Enables the DHT in full node mode");
  f.add_bool("dhtClient", &v.dht_client, "Enables the DHT in client mode");
  f.add_bool("dhtServer", &v.dht_server,
             "Enables the DHT in server mode (use 'dht' unless you actually need this)");
  f.add_bool("connManager", &v.conn_manager, "Enables the Connection Manager");
  f.add_int("connLo", &v.conn_lo, "Connection Manager Low Water mark");
  f.add_int("connHi", &v.conn_hi, "Connection Manager High Water mark");
  f.add_duration("connGrace", &v.conn_grace, "Connection Manager grace period (in seconds)");
  f.add_bool("natPortMap", &v.nat_port_map, "Enables NAT port mapping");
  f.add_bool("pubsub", &v.pubsub, "Enables pubsub");
  f.add_string("pubsubRouter", &v.pubsub_router, "Specifies the pubsub router implementation");
  f.add_bool("pubsubSign", &v.pubsub_sign, "Enables pubsub message signing");
  f.add_bool("pubsubSignStrict", &v.pubsub_sign_strict,
             "Enables or disables pubsub strict signature verification");
  f.add_duration("gossipsubHeartbeatInterval", &v.gossipsub_heartbeat_interval,
                 "Specifies the gossipsub heartbeat interval");
  f.add_duration("gossipsubHeartbeatInitialDelay", &v.gossipsub_heartbeat_initial_delay,
                 "Specifies the gossipsub initial heartbeat delay");
  f.add_bool("relay", &v.relay, "Enables circuit relay");
  f.add_bool("relayActive", &v.relay_active, "Enables active mode for relay");
  f.add_bool("relayHop", &v.relay_hop, "Enables hop for relay");
  f.add_int("relayHopLimit", &v.relay_hop_limit, "Sets the hop limit for hop relays");
  f.add_bool("relayDiscovery", &v.relay_discovery, "Enables passive discovery for relay");
  f.add_bool("autoRelay", &v.auto_relay, "Enables autorelay");
  f.add_bool("autonat", &v.autonat, "Enables the AutoNAT service");
  f.add_string("hostAddrs", &v.host_addrs,
               "comma separated list of multiaddrs the host should listen on");
  f.add_string("announceAddrs", &v.announce_addrs,
               "comma separated list of multiaddrs the host should announce to the network");
  f.add_bool("noListenAddrs", &v.no_listen, "sets the host to listen on no addresses");
  f.add_string("metricsAddr", &v.metrics_addr, "an address to bind the metrics handler to");
  f.add_string("f", &v.config_file,
               "a file from which to read a json representation of the deamon config");
  f.add_bool("i", &v.config_stdin, "have the daemon read the json config from stdin");
  f.add_bool("pprof", &v.pprof, "Enables the HTTP pprof handler");
  f.add_uint("pprofPort", &v.pprof_port, "Binds the HTTP pprof handler to a specific port");
  f.add_bool("noise", &v.noise, "Enables Noise channel security protocol");
  f.add_bool("tls", &v.tls, "Enables TLS1.3 channel security protocol");
  f.add_bool("plaintext", &v.plaintext, "Enables Plaintext channel security protocol");
  f.add_bool("forceReachabilityPublic", &v.force_public,
             "Set up ForceReachability as public for autonat");
  f.add_bool("forceReachabilityPrivate", &v.force_private,
             "Set up ForceReachability as private for autonat");
  f.add_string("muxer", &v.muxer, "muxer to use for connections");
  f.add_bool("echo", &v.echo, "Enables echo protocol");
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;  // p2pd: an empty -hostAddrs means the default addresses
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  if (text.back() == ',') out.emplace_back();  // Go's strings.Split keeps a trailing empty item
  return out;
}

std::vector<std::string> unsupported(const FlagSet& f, const Values& v) {
  std::vector<std::string> out;
  auto refuse = [&](bool requested, const char* what) {
    if (requested) out.emplace_back(std::string(what) + " is not supported");
  };
  refuse(!v.config_file.empty() || v.config_stdin, "a JSON configuration (-f, -i)");
  refuse(v.bootstrap, "bootstrapping (-b): in p2pd mode the node makes no connections itself");
  refuse(v.conn_manager, "the connection manager (-connManager)");
  refuse(v.nat_port_map, "NAT port mapping (-natPortMap)");
  refuse(v.pubsub, "pubsub (-pubsub)");
  // Relay is on by default in p2pd; only a launcher that asks for it expects a relay service.
  refuse(f.was_set("relay") && v.relay, "circuit relay (-relay)");
  refuse(v.relay_active || v.relay_hop || v.relay_discovery || v.auto_relay,
         "relay modes (-relayActive, -relayHop, -relayDiscovery, -autoRelay)");
  refuse(v.autonat || v.force_public || v.force_private, "AutoNAT (-autonat, -forceReachability*)");
  refuse(!v.announce_addrs.empty(), "announcing other addresses (-announceAddrs)");
  refuse(!v.metrics_addr.empty(), "metrics (-metricsAddr)");
  refuse(v.pprof, "pprof (-pprof)");
  refuse(v.muxer == "mplex", "the mplex muxer (-muxer=mplex)");
  return out;
}

}  // namespace

tl::expected<Config, FlagError> parse_config(const std::vector<std::string>& args) {
  FlagSet flags("p2pd");
  Values v;
  define(flags, v);
  auto rest = flags.parse(args);
  if (!rest) return tl::unexpected(rest.error());
  Config c;
  c.listen = v.listen;
  c.quiet = v.quiet;
  c.id = v.id;
  c.host_addrs = split_commas(v.host_addrs);
  c.no_listen = v.no_listen;
  c.security.noise = v.noise;
  c.security.tls = v.tls;
  c.security.plaintext = v.plaintext;
  c.muxer = v.muxer;
  c.echo = v.echo;
  if (v.dht || v.dht_server) {
    c.dht = DhtChoice::server;
  } else if (v.dht_client) {
    c.dht = DhtChoice::client;
  }
  c.unsupported = unsupported(flags, v);
  return c;
}

std::string config_usage() {
  FlagSet flags("p2pd");
  Values v;
  define(flags, v);
  return flags.usage();
}

}  // namespace meshchat::p2pd
