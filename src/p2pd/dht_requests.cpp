#include "p2pd/dht_requests.hpp"

#include "core/cid.hpp"
#include "core/multihash.hpp"
#include "node/dht/error.hpp"
#include "p2pd/control.hpp"
#include "p2pd/dht_control.hpp"
#include "p2pd/server.hpp"

namespace meshchat::p2pd {

namespace asio = boost::asio;
using node::dht::PeerAddresses;

namespace {

// go-libp2p-daemon's default for FIND_PROVIDERS without a count.
constexpr std::int32_t kDefaultProviderCount = 20;

std::vector<Bytes> single(Response response) {
  return {encode(response)};
}

std::vector<Bytes> failed(std::string message) {
  return single(error_response(std::move(message)));
}

Bytes dht_frame(DhtResponse response) {
  return encode(response);
}

Response with_dht(DhtResponse dht) {
  Response response = ok_response();
  response.dht = encode(dht);
  return response;
}

PeerInfo peer_info(const PeerAddresses& found) {
  PeerInfo info{found.peer.bytes(), {}};
  for (const auto& address : found.addresses) info.addrs.push_back(address.bytes());
  return info;
}

// A BEGIN response, one VALUE per item, END.
template <class Item, class ToValue>
std::vector<Bytes> streamed(const std::vector<Item>& items, ToValue to_value) {
  std::vector<Bytes> out;
  out.push_back(encode(with_dht(DhtResponse{DhtResponseType::begin, {}, {}})));
  for (const auto& item : items) out.push_back(dht_frame(to_value(item)));
  out.push_back(dht_frame(DhtResponse{DhtResponseType::end, {}, {}}));
  return out;
}

// The multihash a CID names: provider records are keyed by it (spec). A CIDv0 is a bare
// sha2-256 multihash.
Result<Bytes> multihash_of(const Bytes& cid) {
  if (auto v1 = Cid::from_bytes(cid)) return v1->hash().bytes();
  auto v0 = Multihash::from_bytes(cid);
  if (!v0) return fail(v0.error());
  return v0->bytes();
}

// Errors are answers too; only a timeout (from the caller's with_timeout) fails the Result.
asio::awaitable<Result<std::vector<Bytes>>> run(node::dht::Dht* dht, DhtRequest request) {
  using Type = DhtRequestType;
  switch (request.type) {
    case Type::find_peer: {
      if (!request.peer) co_return failed(kMissingParameters);
      auto peer = crypto::PeerId::from_bytes(*request.peer);
      if (!peer) co_return failed("invalid peer id: " + peer.error().message());
      auto found = co_await dht->find_peer(std::move(*peer));
      if (!found) co_return failed(found.error().message());
      co_return single(with_dht(DhtResponse{DhtResponseType::value, peer_info(*found), {}}));
    }
    case Type::find_providers: {
      if (!request.cid) co_return failed(kMissingParameters);
      auto key = multihash_of(*request.cid);
      if (!key) co_return failed("invalid cid: " + key.error().message());
      auto count = request.count.value_or(0) > 0 ? *request.count : kDefaultProviderCount;
      auto found = co_await dht->find_providers(std::move(*key), static_cast<std::size_t>(count));
      if (!found) co_return failed(found.error().message());
      co_return streamed(*found, [](const PeerAddresses& provider) {
        return DhtResponse{DhtResponseType::value, peer_info(provider), {}};
      });
    }
    case Type::get_closest_peers: {
      if (!request.key) co_return failed(kMissingParameters);
      auto found = co_await dht->closest_peers(std::move(*request.key));
      if (!found) co_return failed(found.error().message());
      co_return streamed(*found, [](const crypto::PeerId& peer) {
        return DhtResponse{DhtResponseType::value, {}, peer.bytes()};
      });
    }
    case Type::get_public_key: {
      if (!request.peer) co_return failed(kMissingParameters);
      auto peer = crypto::PeerId::from_bytes(*request.peer);
      if (!peer) co_return failed("invalid peer id: " + peer.error().message());
      if (auto inlined = peer->public_key()) {
        co_return single(with_dht(DhtResponse{DhtResponseType::value, {}, inlined->to_protobuf()}));
      }
      Bytes key = to_bytes("/pk/");
      key.insert(key.end(), peer->bytes().begin(), peer->bytes().end());
      auto value = co_await dht->get_value(std::move(key));
      if (!value) co_return failed(value.error().message());
      co_return single(with_dht(DhtResponse{DhtResponseType::value, {}, std::move(*value)}));
    }
    case Type::get_value: {
      if (!request.key) co_return failed(kMissingParameters);
      auto value = co_await dht->get_value(std::move(*request.key));
      if (!value) co_return failed(value.error().message());
      co_return single(with_dht(DhtResponse{DhtResponseType::value, {}, std::move(*value)}));
    }
    case Type::search_value: {
      if (!request.key) co_return failed(kMissingParameters);
      auto value = co_await dht->get_value(std::move(*request.key));
      if (!value) co_return failed(value.error().message());
      std::vector<Bytes> values{std::move(*value)};
      co_return streamed(values, [](const Bytes& found) {
        return DhtResponse{DhtResponseType::value, {}, found};
      });
    }
    case Type::put_value: {
      if (!request.key || !request.value) co_return failed(kMissingParameters);
      auto put = co_await dht->put_value(std::move(*request.key), std::move(*request.value));
      if (!put) co_return failed(put.error().message());
      co_return single(ok_response());
    }
    case Type::provide: {
      if (!request.cid) co_return failed(kMissingParameters);
      auto key = multihash_of(*request.cid);
      if (!key) co_return failed("invalid cid: " + key.error().message());
      auto provided = co_await dht->provide(std::move(*key));
      if (!provided) co_return failed(provided.error().message());
      co_return single(ok_response());
    }
    case Type::find_peers_connected_to_peer:
      co_return failed("FIND_PEERS_CONNECTED_TO_PEER has been removed from the protocol");
  }
  co_return failed("unknown DHT request");
}

}  // namespace

asio::awaitable<std::vector<Bytes>> serve_dht_request(
    node::dht::Dht* dht, Bytes body,
    std::function<std::optional<Duration>(std::optional<std::int64_t>)> timeout_of) {
  if (dht == nullptr) co_return failed("the DHT is off: start p2pd with -dht or -dhtClient");
  auto request = decode_dht_request(body);
  if (!request) co_return failed("malformed DHT request: " + request.error().message());
  auto timeout = timeout_of(request->timeout);
  if (!timeout) co_return failed("timeout above 3600 seconds");
  auto operation = run(dht, std::move(*request));
  auto answered = co_await p2p::with_timeout(std::move(operation), *timeout);
  if (!answered) co_return failed("DHT request: " + answered.error().message());
  co_return std::move(*answered);
}

}  // namespace meshchat::p2pd
