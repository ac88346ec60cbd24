// The libp2p Kademlia DHT (/ipfs/kad/1.0.0, libp2p/specs kad-dht) on a Host: answers other
// peers' queries in server mode, fills the routing table from identify, and runs the iterative
// lookups behind finding peers, getting and putting values, and providing content.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "node/dht/rpc.hpp"
#include "p2p/host/host.hpp"
#include "p2p/kad/lookup.hpp"
#include "p2p/kad/provider_store.hpp"
#include "p2p/kad/record_store.hpp"
#include "p2p/kad/routing_table.hpp"

namespace meshchat::node::dht {

// Server nodes advertise the protocol and answer queries; clients only ask (spec "Client and
// server mode"): a laptop behind NAT should not be in anybody's routing table.
enum class Mode { client, server };

struct DhtConfig {
  Mode mode = Mode::server;
  // One request and its answer, connection setup included.
  Duration request_timeout = std::chrono::seconds(10);
  // A whole lookup; the spec's QueryTimeout is 10 s per bootstrap run, user queries get longer.
  Duration lookup_timeout = std::chrono::seconds(30);
  std::size_t bucket_size = p2p::kad::kBucketSize;
  std::size_t concurrency = p2p::kad::kConcurrency;
};

// Lives on the host's io thread. Destroy it only once the io_context has stopped running (or
// after stop() once every operation has returned): a suspended operation refers to it.
class Dht final : public p2p::HostObserver {
 public:
  Dht(p2p::Host& host, DhtConfig config = {});
  ~Dht() override;
  Dht(const Dht&) = delete;
  Dht& operator=(const Dht&) = delete;

  // Registers the protocol (server mode) and the host observer, and adds the already identified
  // DHT servers to the routing table.
  void start();
  // Ends running lookups (they fail with Error::stopped) and stops answering.
  void stop();

  // The peer's addresses: those of the peer store when connected, else from a lookup.
  asio::awaitable<Result<PeerAddresses>> find_peer(crypto::PeerId peer);
  // The k peers closest to `key` that answered a lookup, closest first.
  asio::awaitable<Result<std::vector<crypto::PeerId>>> closest_peers(Bytes key);
  // A valid value for `key`: the local store's, else the first valid one the network returns.
  asio::awaitable<Result<Bytes>> get_value(Bytes key);
  // Validates, stores locally and sends PUT_VALUE to the k closest peers.
  asio::awaitable<Result<void>> put_value(Bytes key, Bytes value);
  // Records this node as a provider of `key` (a multihash) locally and at the k closest peers.
  asio::awaitable<Result<void>> provide(Bytes key);
  // Up to `count` providers of `key`: the local store's first, then the network's.
  asio::awaitable<Result<std::vector<PeerAddresses>>> find_providers(Bytes key, std::size_t count);

  const p2p::kad::RoutingTable& routing_table() const { return table_; }
  const DhtConfig& config() const { return config_; }

  // HostObserver
  void on_peer_identified(const crypto::PeerId& peer) override;

 private:
  class Handler;
  struct LookupRun;
  struct Fanout;
  using AnswerSink = std::function<bool(const crypto::PeerId&, const p2p::kad::Message&)>;

  asio::awaitable<void> serve(std::shared_ptr<p2p::Stream> stream);
  // The answer to one request from `from`; nullopt for requests that get none (ADD_PROVIDER).
  std::optional<p2p::kad::Message> answer(const crypto::PeerId& from, p2p::kad::Message request);
  // The closest peers with addresses that we know to `key`, never the asker. FIND_NODE for a
  // peer also names that peer when connected, and ourselves when it is us.
  std::vector<p2p::kad::PeerEntry> closer_entries(const Bytes& key, const crypto::PeerId& asker,
                                                  bool find_node);
  std::vector<p2p::kad::PeerEntry> provider_entries(const Bytes& key);
  // Where `peer` listens as far as we know: our own addresses for us, else the peer store's.
  std::vector<Multiaddr> addresses_of(const crypto::PeerId& peer);
  p2p::kad::PeerEntry entry_for(const crypto::PeerId& peer);
  std::vector<Multiaddr> own_addresses() const;

  // Sends `request` to `peer` and reads its answer (none when `expect_answer` is false).
  asio::awaitable<Result<std::optional<p2p::kad::Message>>> request(crypto::PeerId peer,
                                                                    p2p::kad::Message message,
                                                                    bool expect_answer);
  // An iterative lookup for request.key, sending `request` (FIND_NODE, GET_VALUE or
  // GET_PROVIDERS) to ever closer peers. `on_answer` sees each answer and returns true to stop.
  asio::awaitable<Result<std::vector<crypto::PeerId>>> lookup(p2p::kad::Message request,
                                                              AnswerSink on_answer);
  static asio::awaitable<void> query(Dht* self, std::shared_ptr<LookupRun> run,
                                     crypto::PeerId peer);
  // Adds the peers of an answer to the peer store; returns them.
  std::vector<crypto::PeerId> learn(const std::vector<p2p::kad::PeerEntry>& entries);
  // Sends `message` to each peer at once; the number that accepted it.
  asio::awaitable<std::size_t> send_to_all(std::vector<crypto::PeerId> peers,
                                           p2p::kad::Message message, bool expect_answer);
  static asio::awaitable<void> deliver(Dht* self, std::shared_ptr<Fanout> fanout,
                                       crypto::PeerId peer, p2p::kad::Message message,
                                       bool expect_answer);
  void add_to_table(const crypto::PeerId& peer);

  p2p::Host& host_;
  DhtConfig config_;
  p2p::kad::RoutingTable table_;
  p2p::kad::RecordStore records_;
  p2p::kad::ProviderStore providers_;
  // Lookups in progress, so stop() can end them and the destructor can detach their queries.
  std::vector<std::weak_ptr<LookupRun>> running_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace meshchat::node::dht
