// `meshchat ping`, `meshchat identify` and `meshchat perf`: libp2p clients for diagnostics and
// benchmarks. They use the home identity when there is one, else a throwaway key.
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <thread>

#include "cli/command.hpp"
#include "node/identity.hpp"
#include "node/node.hpp"
#include "p2p/host/identify_service.hpp"
#include "p2p/host/perf_service.hpp"
#include "p2p/host/ping_service.hpp"
#include "p2p/perf/common.hpp"
#include "p2p/ping/pinger.hpp"

namespace meshchat::cli {

namespace {

using p2p::asio::awaitable;

// How long a finished client command waits for its connections to close cleanly.
constexpr auto kCloseGrace = std::chrono::milliseconds(200);

struct TargetOptions {
  std::string address;
  double timeout_seconds = 10;
  bool json = false;
  std::string log_level = "off";
};

Duration to_duration(double seconds) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

double to_ms(Duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}
double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

crypto::PrivateKey client_key(const GlobalOptions& globals) {
  if (auto identity = node::load_identity(globals.resolved_home())) return identity->key;
  return crypto::PrivateKey::generate_ed25519();
}

// Dials and negotiates `protocol` within the timeout.
awaitable<Result<std::shared_ptr<p2p::Stream>>> open_stream(p2p::Host* host, Multiaddr address,
                                                            std::string protocol) {
  auto connection = co_await host->connect(address);
  if (!connection) co_return fail(connection.error());
  std::vector<std::string> protocols{std::move(protocol)};
  co_return co_await host->new_stream(*connection, std::move(protocols));
}

// ---- ping

struct PingOptions : TargetOptions {
  int count = 3;
  double interval_seconds = 1;
};

awaitable<Result<int>> ping_session(p2p::Host* host, Multiaddr address, PingOptions options) {
  auto stream =
      co_await p2p::with_timeout(open_stream(host, address, std::string(p2p::ping::kProtocolId)),
                                 to_duration(options.timeout_seconds));
  if (!stream) co_return fail(stream.error());
  auto peer = (*stream)->remote_peer().to_base58();
  p2p::asio::steady_timer pause(host->executor());
  for (int i = 1; i <= options.count; ++i) {
    auto rtt = co_await p2p::with_timeout(p2p::ping_once(**stream, host->rng()),
                                          to_duration(options.timeout_seconds));
    if (!rtt) co_return fail(rtt.error());
    std::printf("pong from %s: seq=%d time=%.3f ms\n", peer.c_str(), i, to_ms(*rtt));
    std::fflush(stdout);
    if (i < options.count) {
      pause.expires_after(to_duration(options.interval_seconds));
      co_await pause.async_wait(p2p::use_nothrow);
    }
  }
  (*stream)->close_write();
  co_return options.count;  // pings answered: any failure returned early
}

// ---- identify

struct IdentifiedPeer {
  // As authenticated by the secure channel; optional only so the struct is default-constructible,
  // as co_spawn's completion needs.
  std::optional<crypto::PeerId> peer;
  p2p::identify::Identify record;
};

awaitable<Result<IdentifiedPeer>> identify_session(p2p::Host* host, Multiaddr address,
                                                   Duration timeout) {
  auto connect = [](p2p::Host* host,
                    Multiaddr address) -> awaitable<Result<std::shared_ptr<p2p::Connection>>> {
    co_return co_await host->connect(address);
  };
  auto connection = co_await p2p::with_timeout(connect(host, address), timeout);
  if (!connection) co_return fail(connection.error());
  auto record = co_await p2p::with_timeout(host->identify().request(*connection), timeout);
  if (!record) co_return fail(record.error());
  co_return IdentifiedPeer{(*connection)->info().remote_peer, std::move(*record)};
}

std::vector<std::string> addresses_text(const std::vector<Bytes>& encoded) {
  std::vector<std::string> out;
  for (const auto& bytes : encoded) {
    auto address = Multiaddr::from_bytes(bytes);
    out.push_back(address ? address->to_string() : "<invalid " + to_hex(bytes) + ">");
  }
  return out;
}

void print_identify(const crypto::PeerId& peer, const p2p::identify::Identify& record, bool json) {
  std::string observed;
  if (record.observed_addr) {
    auto address = Multiaddr::from_bytes(*record.observed_addr);
    observed = address ? address->to_string() : "";
  }
  auto listen = addresses_text(record.listen_addrs);
  if (json) {
    nlohmann::json out = {
        {"peerId", peer.to_base58()},
        {"publicKey", record.public_key ? to_hex(*record.public_key) : ""},
        {"agentVersion", record.agent_version.value_or("")},
        {"protocolVersion", record.protocol_version.value_or("")},
        {"protocols", record.protocols},
        {"listenAddrs", listen},
        {"observedAddr", observed},
    };
    std::cout << out.dump() << std::endl;
    return;
  }
  std::cout << "peer id:          " << peer.to_base58() << "\n"
            << "agent version:    " << record.agent_version.value_or("") << "\n"
            << "protocol version: " << record.protocol_version.value_or("") << "\n"
            << "observed address: " << observed << "\n"
            << "listen addresses:\n";
  for (const auto& address : listen) std::cout << "  " << address << "\n";
  std::cout << "protocols:\n";
  for (const auto& protocol : record.protocols) std::cout << "  " << protocol << "\n";
  std::cout.flush();
}

// ---- perf

struct PerfOptions : TargetOptions {
  std::uint64_t upload = 100 * 1024 * 1024;
  std::uint64_t download = 100 * 1024 * 1024;
};

awaitable<Result<p2p::perf::ClientResult>> perf_session(p2p::Host* host, Multiaddr address,
                                                        PerfOptions options) {
  auto start = Clock::now();
  auto stream =
      co_await p2p::with_timeout(open_stream(host, address, std::string(p2p::perf::kProtocolId)),
                                 to_duration(options.timeout_seconds));
  if (!stream) co_return fail(stream.error());
  co_return co_await p2p::run_perf(*stream, options.upload, options.download, start);
}

double gbps(std::uint64_t bytes, Duration time) {
  double seconds = to_seconds(time);
  return seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1e9 : 0;
}

// ---- shared runner

template <class T, class Session, class Options>
Result<T> run_session(const GlobalOptions& globals, const Options& options, Session session) {
  configure_logging(options.log_level);
  auto address = Multiaddr::parse(options.address);
  if (!address) return fail(address.error());
  boost::asio::io_context io(1);
  crypto::SystemRng rng;
  p2p::Host host(io.get_executor(), client_key(globals), node::default_host_config(), rng);
  auto result = run_to_completion<T>(io, session(&host, *address, options));
  // Say goodbye (yamux GoAway) instead of vanishing; bounded so a dead peer cannot hold us.
  host.close();
  io.restart();
  io.run_for(kCloseGrace);
  return result;
}

int check_address(const std::string& text) {
  auto address = Multiaddr::parse(text);
  if (!address) return report_error("bad multiaddr " + text, address.error());
  if (!address->tcp_address()) return report_error("unsupported address " + text);
  return kExitOk;
}

void add_target_options(CLI::App* command, TargetOptions& options) {
  command->add_option("multiaddr", options.address, "Peer address, e.g. /ip4/…/tcp/…/p2p/…")
      ->required();
  command->add_option("--timeout", options.timeout_seconds, "Seconds to wait (default 10)")
      ->check(CLI::PositiveNumber);
  command->add_option("--log-level", options.log_level, "off, error, warn, info or debug");
}

}  // namespace

void register_diagnostic_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto ping_options = std::make_shared<PingOptions>();
  auto* ping = app.add_subcommand("ping", "Ping a libp2p peer (/ipfs/ping/1.0.0)");
  add_target_options(ping, *ping_options);
  ping->add_option("-n,--count", ping_options->count, "Number of pings (default 3)")
      ->check(CLI::Range(1, 1000000));
  ping->add_option("--interval", ping_options->interval_seconds,
                   "Seconds between pings (default 1)")
      ->check(CLI::NonNegativeNumber);
  ping->callback([&globals, &exit_code, ping_options] {
    if ((exit_code = check_address(ping_options->address)) != kExitOk) return;
    auto session = [](p2p::Host* host, Multiaddr address, PingOptions options) {
      return ping_session(host, std::move(address), std::move(options));
    };
    auto result = run_session<int>(globals, *ping_options, session);
    exit_code = result ? kExitOk : report_error(ping_options->address, result.error());
  });

  auto identify_options = std::make_shared<TargetOptions>();
  auto* identify = app.add_subcommand("identify", "Show a peer's identify record");
  add_target_options(identify, *identify_options);
  identify->add_flag("--json", identify_options->json, "Print JSON");
  identify->callback([&globals, &exit_code, identify_options] {
    if ((exit_code = check_address(identify_options->address)) != kExitOk) return;
    auto session = [](p2p::Host* host, Multiaddr address, TargetOptions options) {
      return identify_session(host, std::move(address), to_duration(options.timeout_seconds));
    };
    auto result = run_session<IdentifiedPeer>(globals, *identify_options, session);
    if (!result) {
      exit_code = report_error(identify_options->address, result.error());
      return;
    }
    print_identify(*result->peer, result->record, identify_options->json);
    exit_code = kExitOk;
  });

  auto perf_options = std::make_shared<PerfOptions>();
  auto* perf = app.add_subcommand("perf", "Measure throughput to a peer (/perf/1.0.0)");
  add_target_options(perf, *perf_options);
  perf->add_option("--upload", perf_options->upload, "Bytes to upload (default 100 MiB)");
  perf->add_option("--download", perf_options->download, "Bytes to download (default 100 MiB)");
  perf->add_flag("--json", perf_options->json, "Print JSON");
  perf->callback([&globals, &exit_code, perf_options] {
    if ((exit_code = check_address(perf_options->address)) != kExitOk) return;
    auto session = [](p2p::Host* host, Multiaddr address, PerfOptions options) {
      return perf_session(host, std::move(address), std::move(options));
    };
    auto result = run_session<p2p::perf::ClientResult>(globals, *perf_options, session);
    if (!result) {
      exit_code = report_error(perf_options->address, result.error());
      return;
    }
    double up = gbps(result->uploaded, result->upload_time);
    double down = gbps(result->downloaded, result->download_time);
    if (perf_options->json) {
      nlohmann::json out = {{"uploadBytes", result->uploaded},
                            {"downloadBytes", result->downloaded},
                            {"uploadSeconds", to_seconds(result->upload_time)},
                            {"downloadSeconds", to_seconds(result->download_time)},
                            {"uploadGbps", up},
                            {"downloadGbps", down}};
      std::cout << out.dump() << std::endl;
    } else {
      std::printf("upload:   %llu bytes in %.3f s (%.2f Gbit/s)\n",
                  static_cast<unsigned long long>(result->uploaded),
                  to_seconds(result->upload_time), up);
      std::printf("download: %llu bytes in %.3f s (%.2f Gbit/s)\n",
                  static_cast<unsigned long long>(result->downloaded),
                  to_seconds(result->download_time), down);
    }
    exit_code = kExitOk;
  });
}

}  // namespace meshchat::cli
