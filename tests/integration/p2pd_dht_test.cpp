// The Kademlia DHT between `meshchat p2pd -dht` processes on 127.0.0.1, driven through their
// control sockets: peer routing through a third node, values put on one node and read on
// another, provider records, closest peers, public keys, client mode and bad requests.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/cid.hpp"
#include "crypto/hash.hpp"
#include "p2pd/dht_control.hpp"
#include "p2pd_client.hpp"

namespace meshchat::p2pd {
namespace {

using namespace client;

struct DhtAnswer {
  Response response;
  std::vector<DhtResponse> results;  // the VALUEs of a streamed answer
  bool ended = false;                // a streamed answer's END arrived
  std::optional<DhtResponse> single() const {
    if (response.type != ResponseType::ok || !response.dht) return std::nullopt;
    auto decoded = decode_dht_response(*response.dht);
    return decoded ? std::optional<DhtResponse>(*decoded) : std::nullopt;
  }
  std::string error() const { return response.error ? response.error->msg : ""; }
};

constexpr std::size_t kMaxStreamedResults = 100;

DhtAnswer ask(const Daemon& daemon, const DhtRequest& request, bool streamed = false) {
  Request wrapped;
  wrapped.type = RequestType::dht;
  wrapped.dht = encode(request);
  auto socket = dial(daemon.control);
  socket.send(frame(encode(wrapped)));
  DhtAnswer answer;
  auto response = decode_response(socket.message());
  EXPECT_TRUE(response.has_value());
  if (!response) return answer;
  answer.response = *response;
  if (!streamed || response->type != ResponseType::ok) return answer;
  for (std::size_t i = 0; i < kMaxStreamedResults; ++i) {
    auto next = decode_dht_response(socket.message());
    EXPECT_TRUE(next.has_value());
    if (!next) break;
    if (next->type == DhtResponseType::end) {
      answer.ended = true;
      break;
    }
    EXPECT_EQ(next->type, DhtResponseType::value);
    answer.results.push_back(*next);
  }
  return answer;
}

Daemon start_dht(const test::TempDir& dir, const std::string& name,
                 const std::string& mode = "-dht") {
  return start({"-listen", "/unix" + dir.path() + "/" + name + ".sock", "-hostAddrs",
                "/ip4/127.0.0.1/tcp/0", mode});
}

void connect(const Daemon& from, const Daemon& to) {
  Request request = of_type(RequestType::connect);
  request.connect = ConnectRequest{to.id.bytes(), {Multiaddr::parse(to.host_addr)->bytes()}, 5};
  auto response = from.request(request);
  ASSERT_EQ(response.type, ResponseType::ok) << (response.error ? response.error->msg : "");
}

// Identify runs after a connection is up, so a DHT learns its peers a moment later; each check
// is retried (bounded) rather than timed.
template <class Check>
bool eventually(Check check) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (check()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

DhtRequest of_dht_type(DhtRequestType type) {
  DhtRequest request;
  request.type = type;
  return request;
}

Bytes public_key_record_key(const crypto::PeerId& peer) {
  Bytes key = to_bytes("/pk/");
  key.insert(key.end(), peer.bytes().begin(), peer.bytes().end());
  return key;
}

class P2pdDht : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b", "c", "d"}) nodes_.push_back(start_dht(dir_, name));
    // A star: b, c and d only know a.
    for (std::size_t i = 1; i < nodes_.size(); ++i) connect(nodes_[i], nodes_[0]);
  }
  const Daemon& node(char name) const { return nodes_.at(static_cast<std::size_t>(name - 'a')); }

  test::TempDir dir_;
  std::vector<Daemon> nodes_;
};

TEST_F(P2pdDht, PeerIsFoundThroughACommonNeighbour) {
  auto find = of_dht_type(DhtRequestType::find_peer);
  find.peer = node('c').id.bytes();
  DhtAnswer answer;
  ASSERT_TRUE(eventually([&] {
    answer = ask(node('b'), find);
    return answer.response.type == ResponseType::ok;
  })) << answer.error();
  auto found = answer.single();
  ASSERT_TRUE(found && found->peer);
  EXPECT_EQ(found->peer->id, node('c').id.bytes());
  ASSERT_EQ(found->peer->addrs.size(), 1u);
  EXPECT_EQ(Multiaddr::from_bytes(found->peer->addrs[0])->to_string(), node('c').host_addr);

  auto stranger = of_dht_type(DhtRequestType::find_peer);
  stranger.peer =
      crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key()).bytes();
  auto missing = ask(node('b'), stranger);
  EXPECT_EQ(missing.response.type, ResponseType::error);
  EXPECT_NE(missing.error().find("not found"), std::string::npos) << missing.error();
}

TEST_F(P2pdDht, ValuePutOnOneNodeIsReadOnAnother) {
  auto key_pair = crypto::PrivateKey::generate_ed25519();
  auto owner = crypto::PeerId::from_public_key(key_pair.public_key());
  auto put = of_dht_type(DhtRequestType::put_value);
  put.key = public_key_record_key(owner);
  put.value = key_pair.public_key().to_protobuf();
  DhtAnswer stored;
  ASSERT_TRUE(eventually([&] {
    stored = ask(node('b'), put);
    return stored.response.type == ResponseType::ok;
  })) << stored.error();

  for (char reader : {'a', 'c', 'd'}) {
    auto get = of_dht_type(DhtRequestType::get_value);
    get.key = put.key;
    auto got = ask(node(reader), get);
    ASSERT_EQ(got.response.type, ResponseType::ok) << reader << ": " << got.error();
    ASSERT_TRUE(got.single() && got.single()->value);
    EXPECT_EQ(*got.single()->value, *put.value) << reader;
  }

  // A record whose value does not hash to its key is refused, locally and by peers.
  auto forged = put;
  forged.value = crypto::PrivateKey::generate_ed25519().public_key().to_protobuf();
  auto refused = ask(node('c'), forged);
  EXPECT_EQ(refused.response.type, ResponseType::error);
  auto unknown = of_dht_type(DhtRequestType::get_value);
  unknown.key = public_key_record_key(
      crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key()));
  EXPECT_EQ(ask(node('d'), unknown).response.type, ResponseType::error);
  auto foreign = of_dht_type(DhtRequestType::put_value);
  foreign.key = to_bytes("/ipns/whatever");
  foreign.value = to_bytes("value");
  EXPECT_EQ(ask(node('a'), foreign).response.type, ResponseType::error);
}

TEST_F(P2pdDht, ProviderIsFoundByAnotherNode) {
  auto digest = crypto::sha256(as_bytes("meshchat provider test"));
  Cid cid(0x55, Multihash::sha2_256(digest));  // raw
  auto provide = of_dht_type(DhtRequestType::provide);
  provide.cid = cid.bytes();
  DhtAnswer provided;
  ASSERT_TRUE(eventually([&] {
    provided = ask(node('c'), provide);
    return provided.response.type == ResponseType::ok;
  })) << provided.error();

  auto find = of_dht_type(DhtRequestType::find_providers);
  find.cid = cid.bytes();
  find.count = 1;
  for (char asker : {'a', 'b', 'd'}) {
    auto found = ask(node(asker), find, true);
    ASSERT_EQ(found.response.type, ResponseType::ok) << asker << ": " << found.error();
    EXPECT_TRUE(found.ended);
    ASSERT_EQ(found.results.size(), 1u) << asker;
    ASSERT_TRUE(found.results[0].peer);
    EXPECT_EQ(found.results[0].peer->id, node('c').id.bytes()) << asker;
    ASSERT_FALSE(found.results[0].peer->addrs.empty());
    EXPECT_EQ(Multiaddr::from_bytes(found.results[0].peer->addrs[0])->to_string(),
              node('c').host_addr);
  }

  auto nobody = of_dht_type(DhtRequestType::find_providers);
  nobody.cid = Cid(0x55, Multihash::sha2_256(crypto::sha256(as_bytes("unprovided")))).bytes();
  auto none = ask(node('b'), nobody, true);
  ASSERT_EQ(none.response.type, ResponseType::ok) << none.error();
  EXPECT_TRUE(none.ended);
  EXPECT_TRUE(none.results.empty());
}

TEST_F(P2pdDht, ClosestPeersAndPublicKeys) {
  auto closest = of_dht_type(DhtRequestType::get_closest_peers);
  closest.key = to_bytes("some key");
  DhtAnswer answer;
  ASSERT_TRUE(eventually([&] {
    answer = ask(node('b'), closest, true);
    return answer.response.type == ResponseType::ok && answer.results.size() == 3;
  })) << answer.error()
      << " results " << answer.results.size();
  EXPECT_TRUE(answer.ended);
  std::vector<Bytes> ids;
  for (const auto& result : answer.results) ids.push_back(result.value.value_or(Bytes{}));
  for (char other : {'a', 'c', 'd'}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), node(other).id.bytes()), ids.end()) << other;
  }

  auto key = of_dht_type(DhtRequestType::get_public_key);
  key.peer = node('d').id.bytes();
  auto got = ask(node('b'), key);
  ASSERT_EQ(got.response.type, ResponseType::ok) << got.error();
  ASSERT_TRUE(got.single() && got.single()->value);
  EXPECT_EQ(*got.single()->value, node('d').id.public_key()->to_protobuf());
}

TEST_F(P2pdDht, ClientModeAsksButIsNotListed) {
  auto client = start_dht(dir_, "e", "-dhtClient");
  connect(client, node('a'));
  auto find = of_dht_type(DhtRequestType::find_peer);
  find.peer = node('b').id.bytes();
  DhtAnswer answer;
  ASSERT_TRUE(eventually([&] {
    answer = ask(client, find);
    return answer.response.type == ResponseType::ok;
  })) << answer.error();
  EXPECT_EQ(answer.single()->peer->id, node('b').id.bytes());

  // a's routing table holds the three servers, never the client.
  auto closest = of_dht_type(DhtRequestType::get_closest_peers);
  closest.key = client.id.bytes();
  auto listed = ask(node('b'), closest, true);
  ASSERT_EQ(listed.response.type, ResponseType::ok) << listed.error();
  for (const auto& result : listed.results) EXPECT_NE(result.value, client.id.bytes());
}

TEST_F(P2pdDht, BadRequestsGetErrorsAndTheDaemonKeepsServing) {
  Request garbage = of_type(RequestType::dht);
  garbage.dht = Bytes{0x08, 0x63};  // DHTRequest.type 99
  auto r = node('a').request(garbage);
  EXPECT_EQ(r.type, ResponseType::error);
  EXPECT_NE(r.error->msg.find("malformed DHT request"), std::string::npos) << r.error->msg;

  for (auto type : {DhtRequestType::find_peer, DhtRequestType::get_value, DhtRequestType::put_value,
                    DhtRequestType::provide, DhtRequestType::find_providers,
                    DhtRequestType::get_closest_peers}) {
    auto empty = ask(node('a'), of_dht_type(type));  // without its parameters
    EXPECT_EQ(empty.response.type, ResponseType::error) << static_cast<int>(type);
  }
  auto bad_cid = of_dht_type(DhtRequestType::provide);
  bad_cid.cid = Bytes{0x01, 0x02, 0x03};
  EXPECT_NE(ask(node('a'), bad_cid).error().find("invalid cid"), std::string::npos);
  auto removed = of_dht_type(DhtRequestType::find_peers_connected_to_peer);
  removed.peer = node('b').id.bytes();
  EXPECT_EQ(ask(node('a'), removed).response.type, ResponseType::error);
  EXPECT_EQ(node('a').request(of_type(RequestType::identify)).type, ResponseType::ok);
}

}  // namespace
}  // namespace meshchat::p2pd
