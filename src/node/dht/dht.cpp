// The DHT's lifecycle, routing table upkeep and server side: answering FIND_NODE, GET_VALUE,
// PUT_VALUE, GET_PROVIDERS, ADD_PROVIDER and PING on inbound streams.
#include "node/dht/dht.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "p2p/kad/record_validator.hpp"
#include "p2p/tcp/interfaces.hpp"

namespace meshchat::node::dht {

namespace kad = p2p::kad;

namespace {
// The spec lets a stream carry several requests; go closes idle ones after a minute. The cap
// keeps one stream from holding a handler forever.
constexpr std::size_t kMaxRequestsPerStream = 256;
constexpr Duration kIdleStreamTimeout = std::chrono::seconds(60);

bool speaks_kad(const p2p::PeerRecord& record) {
  return std::find(record.protocols.begin(), record.protocols.end(), kad::kProtocolId) !=
         record.protocols.end();
}
}  // namespace

class Dht::Handler final : public p2p::StreamHandler {
 public:
  explicit Handler(Dht& dht) : dht_(dht) {}
  asio::awaitable<void> handle(std::shared_ptr<p2p::Stream> stream) override {
    co_await dht_.serve(std::move(stream));
  }

 private:
  Dht& dht_;
};

Dht::Dht(p2p::Host& host, DhtConfig config)
    : host_(host), config_(config), table_(host.peer_id(), config.bucket_size) {}

void Dht::start() {
  if (started_) return;
  started_ = true;
  if (config_.mode == Mode::server) {
    host_.set_handler(std::string(kad::kProtocolId), std::make_shared<Handler>(*this));
  }
  host_.add_observer(this);
  for (const auto& connection : host_.connections()) {
    on_peer_identified(connection->info().remote_peer);
  }
}

void Dht::on_peer_identified(const crypto::PeerId& peer) {
  if (stopped_) return;
  const auto* record = host_.peer_store().find(peer);
  if (record == nullptr) return;
  if (speaks_kad(*record)) {
    add_to_table(peer);
  } else {
    table_.remove(peer);
  }
}

void Dht::add_to_table(const crypto::PeerId& peer) {
  if (table_.add(peer) != kad::RoutingTable::Update::bucket_full) return;
  // A full bucket keeps its long-lived peers (Kademlia's preference) unless the oldest one is
  // gone: a peer we are no longer connected to makes room.
  auto oldest = table_.oldest_in_bucket_of(peer);
  if (oldest && host_.connection_to(*oldest) == nullptr) {
    table_.remove(*oldest);
    table_.add(peer);
  }
}

std::vector<Multiaddr> Dht::own_addresses() const {
  std::vector<Multiaddr> out;
  for (const auto& address : host_.listen_addresses()) {
    for (auto& expanded : p2p::tcp::expand_wildcard(address)) out.push_back(std::move(expanded));
  }
  return out;
}

std::vector<Multiaddr> Dht::addresses_of(const crypto::PeerId& peer) {
  if (peer == host_.peer_id()) return own_addresses();
  const auto* record = host_.peer_store().find(peer);
  return record ? record->addresses : std::vector<Multiaddr>{};
}

kad::PeerEntry Dht::entry_for(const crypto::PeerId& peer) {
  bool connected = peer == host_.peer_id() || host_.connection_to(peer) != nullptr;
  return entry_of(peer, addresses_of(peer), connected);
}

std::vector<kad::PeerEntry> Dht::closer_entries(const Bytes& key, const crypto::PeerId& asker,
                                                bool find_node) {
  std::vector<crypto::PeerId> peers;
  std::optional<crypto::PeerId> target;
  if (find_node) {
    if (auto parsed = crypto::PeerId::from_bytes(key)) target = std::move(*parsed);
  }
  if (target && *target == host_.peer_id()) {
    peers.push_back(host_.peer_id());
  } else {
    peers = table_.closest(kad::KadKey::of(key), config_.bucket_size);
    // A connected peer that is being looked for is the best answer even outside the table.
    if (target && *target != asker && host_.connection_to(*target) != nullptr &&
        std::find(peers.begin(), peers.end(), *target) == peers.end()) {
      peers.push_back(*target);
    }
  }
  std::vector<kad::PeerEntry> out;
  for (const auto& peer : peers) {
    if (peer == asker) continue;  // never tell a peer about itself
    auto entry = entry_for(peer);
    if (!entry.addrs.empty()) out.push_back(std::move(entry));
  }
  return out;
}

std::vector<kad::PeerEntry> Dht::provider_entries(const Bytes& key) {
  std::vector<kad::PeerEntry> out;
  for (const auto& peer : providers_.providers(key, Clock::now(), kad::kMaxPeersPerList)) {
    out.push_back(entry_for(peer));
  }
  return out;
}

std::optional<kad::Message> Dht::answer(const crypto::PeerId& from, kad::Message request) {
  auto now = Clock::now();
  kad::Message response;
  response.type = request.type;
  response.key = request.key;
  switch (request.type) {
    case kad::MessageType::ping:
      return response;
    case kad::MessageType::find_node:
      response.closer_peers = closer_entries(request.key, from, true);
      return response;
    case kad::MessageType::get_value:
      if (auto value = records_.get(request.key, now)) {
        response.record = kad::Record{request.key, std::move(*value), {}};
      }
      response.closer_peers = closer_entries(request.key, from, false);
      return response;
    case kad::MessageType::get_providers:
      response.provider_peers = provider_entries(request.key);
      response.closer_peers = closer_entries(request.key, from, false);
      return response;
    case kad::MessageType::put_value: {
      if (!request.record || request.record->key != request.key) {
        spdlog::debug("dht: PUT_VALUE from {} without a matching record", from.to_base58());
        return std::nullopt;
      }
      if (auto valid = kad::validate_record(request.key, request.record->value); !valid) {
        spdlog::debug("dht: refused PUT_VALUE from {}: {}", from.to_base58(),
                      valid.error().message());
        return std::nullopt;
      }
      records_.put(request.key, request.record->value, now);
      return request;  // the spec's acknowledgement is an echo
    }
    case kad::MessageType::add_provider:
      // Only the sender may announce itself (spec): other entries are ignored.
      for (auto& provider : parse_entries(request.provider_peers)) {
        if (provider.peer != from || request.key.empty()) continue;
        host_.peer_store().add_addresses(from, provider.addresses);
        providers_.add(request.key, from, now);
      }
      return std::nullopt;
  }
  return std::nullopt;
}

asio::awaitable<void> Dht::serve(std::shared_ptr<p2p::Stream> stream) {
  auto from = stream->remote_peer();
  MessageReader reader(stream);
  for (std::size_t served = 0; served < kMaxRequestsPerStream; ++served) {
    auto request = co_await p2p::with_timeout(reader.read(), kIdleStreamTimeout);
    if (!request) {
      spdlog::debug("dht: stream from {} dropped: {}", from.to_base58(), request.error().message());
      stream->reset();
      co_return;
    }
    if (!*request) break;  // the peer is done
    if (stopped_) {
      stream->reset();
      co_return;
    }
    auto type = (*request)->type;
    auto response = answer(from, std::move(**request));
    if (!response) {
      // ADD_PROVIDER has no answer; a refused PUT_VALUE resets the stream, as go does.
      if (type == kad::MessageType::add_provider) continue;
      stream->reset();
      co_return;
    }
    if (auto written = co_await write_message(*stream, *response); !written) {
      stream->reset();
      co_return;
    }
  }
  stream->close_write();
}

}  // namespace meshchat::node::dht
