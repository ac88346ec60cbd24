// Host: the libp2p node core. Listens and dials over TCP, upgrades connections, keeps one
// connection per peer where it can, routes inbound streams to protocol handlers, enforces limits.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/rng.hpp"
#include "p2p/host/connection.hpp"
#include "p2p/host/peer_store.hpp"
#include "p2p/host/upgrader.hpp"

namespace meshchat::p2p {

struct Limits {
  // A chat node talks to its contacts and a few DHT/relay peers; 256 leaves plenty of headroom
  // while capping sockets and memory (each connection may buffer a few MiB).
  std::size_t max_connections = 256;
  // Handshakes cost a signature check and two DH operations each; bounding them caps the CPU a
  // flood of half-open connections can take.
  std::size_t max_pending_handshakes = 64;
  // Covers multistream + Noise + muxer on a slow link; a peer that stalls longer is dropped.
  Duration handshake_timeout = std::chrono::seconds(10);
  Duration dial_timeout = std::chrono::seconds(10);
  // Per-stream protocol negotiation.
  Duration negotiation_timeout = std::chrono::seconds(10);
};

struct HostConfig {
  Limits limits;
  yamux::Config yamux;
  // Security protocols in order of preference (see UpgradeContext).
  std::vector<Security> security = {Security::noise, Security::tls};
  bool optimistic_security = true;
  std::string agent_version;
  std::string protocol_version = "ipfs/0.1.0";
};

// How new_stream() settles the protocol.
enum class Negotiation {
  // Optimistic when a single protocol is asked for and identify says the peer speaks it;
  // otherwise wait for the listener's answer (what go-libp2p does).
  automatic,
  // Propose a single protocol and let data follow at once (saves a round trip); a refusal
  // surfaces on the first read. For peers known to run the protocol.
  optimistic,
  // Wait for the listener's answer before returning.
  full,
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual asio::awaitable<void> handle(std::shared_ptr<Stream> stream) = 0;
};

class HostObserver {
 public:
  virtual ~HostObserver() = default;
  virtual void on_peer_connected(const crypto::PeerId&) {}
  virtual void on_peer_disconnected(const crypto::PeerId&) {}
  virtual void on_peer_identified(const crypto::PeerId&) {}
};

class IdentifyService;

class Host final : public ConnectionObserver {
 public:
  Host(asio::any_io_executor executor, crypto::PrivateKey identity, HostConfig config, Rng& rng);
  ~Host() override;
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const crypto::PeerId& peer_id() const { return peer_id_; }
  const crypto::PrivateKey& identity() const { return identity_; }
  const HostConfig& config() const { return config_; }
  const asio::any_io_executor& executor() const { return executor_; }
  Rng& rng() { return rng_; }

  // Binds every address (port 0 picks a free port) and starts accepting.
  Result<std::vector<Multiaddr>> listen(const std::vector<Multiaddr>& addresses);
  std::vector<Multiaddr> listen_addresses() const;

  void set_handler(std::string protocol, std::shared_ptr<StreamHandler> handler);
  std::vector<std::string> protocols() const;

  // Dials `address`; with a /p2p/ component, reuses an open connection to that peer.
  asio::awaitable<Result<std::shared_ptr<Connection>>> connect(Multiaddr address);
  // Reuses a connection or dials the peer's known addresses in turn.
  asio::awaitable<Result<std::shared_ptr<Connection>>> connect(crypto::PeerId peer);
  // Opens a stream and negotiates the first protocol of `protocols` the peer supports.
  asio::awaitable<Result<std::shared_ptr<Stream>>> new_stream(
      std::shared_ptr<Connection> connection, std::vector<std::string> protocols,
      Negotiation negotiation = Negotiation::automatic);

  std::shared_ptr<Connection> connection_to(const crypto::PeerId& peer) const;
  std::vector<std::shared_ptr<Connection>> connections() const;
  PeerStore& peer_store() { return peer_store_; }
  IdentifyService& identify() { return *identify_; }
  void add_observer(HostObserver* observer) { observers_.push_back(observer); }
  void remove_observer(HostObserver* observer) { std::erase(observers_, observer); }
  void notify_identified(const crypto::PeerId& peer) {
    for (auto* observer : observers_) observer->on_peer_identified(peer);
  }

  // Stops listening and closes every connection (each flushes a GoAway first).
  void close();

  // ConnectionObserver
  void on_inbound_stream(std::shared_ptr<Stream> stream) override;
  void on_connection_closed(const std::shared_ptr<Connection>& connection,
                            std::error_code reason) override;

 private:
  struct PendingDial;
  static asio::awaitable<void> accept_loop(Host* self, std::shared_ptr<tcp::Listener> listener);
  static asio::awaitable<void> handle_inbound(Host* self, tcp::Socket socket);
  static asio::awaitable<void> serve_stream(Host* self, std::shared_ptr<Stream> stream);
  asio::awaitable<Result<std::shared_ptr<Connection>>> dial(Multiaddr address,
                                                            std::optional<crypto::PeerId> peer);
  Result<void> admit(const std::shared_ptr<Connection>& connection);
  UpgradeContext upgrade_context() {
    return {identity_, rng_, config_.yamux, *this, config_.security, config_.optimistic_security};
  }

  asio::any_io_executor executor_;
  crypto::PrivateKey identity_;
  crypto::PeerId peer_id_;
  HostConfig config_;
  Rng& rng_;
  std::vector<std::shared_ptr<tcp::Listener>> listeners_;
  std::map<std::string, std::shared_ptr<StreamHandler>> handlers_;
  std::unordered_multimap<crypto::PeerId, std::shared_ptr<Connection>> connections_;
  std::unordered_map<crypto::PeerId, std::shared_ptr<PendingDial>> pending_dials_;
  std::size_t pending_handshakes_ = 0;
  PeerStore peer_store_;
  std::unique_ptr<IdentifyService> identify_;
  std::vector<HostObserver*> observers_;
  bool closed_ = false;
};

}  // namespace meshchat::p2p
