// libp2p mDNS discovery logic: the query, the responses we owe, and what responses teach us,
// including hostile and oversized responses.
#include "p2p/mdns/peer_discovery.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/keys.hpp"
#include "crypto/random.hpp"

namespace meshchat::p2p::mdns {
namespace {

crypto::PeerId new_peer() {
  return crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
}

LocalPeer local_peer() {
  return LocalPeer{new_peer(),
                   "k3v9q2w8e7r6t5y4u3i2o1p0a9s8d7f6",
                   {*Multiaddr::parse("/ip4/192.168.1.20/tcp/4001"),
                    *Multiaddr::parse("/ip6/fe80::1/tcp/4001")}};
}

std::uint16_t type_of(RecordType type) {
  return static_cast<std::uint16_t>(type);
}

DnsMessage query_for(std::string_view name, RecordType type) {
  DnsMessage query;
  query.questions.push_back(Question{Name::parse(name), type_of(type), kClassIn, false});
  return query;
}

TEST(MdnsDiscovery, QueryAsksForTheServicePointer) {
  auto query = make_query();
  EXPECT_FALSE(query.response);
  ASSERT_EQ(query.questions.size(), 1u);
  EXPECT_EQ(query.questions[0].name.to_string(), "_p2p._udp.local");
  EXPECT_EQ(query.questions[0].type, type_of(RecordType::ptr));
  EXPECT_EQ(query.questions[0].klass, kClassIn);
}

TEST(MdnsDiscovery, ServiceQueryGetsPointerAndAddresses) {
  auto self = local_peer();
  auto response = make_response(make_query(), self);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->response);
  EXPECT_TRUE(response->authoritative);
  ASSERT_EQ(response->answers.size(), 1u);
  const auto& ptr = response->answers[0];
  EXPECT_EQ(ptr.name.to_string(), "_p2p._udp.local");
  EXPECT_EQ(ptr.type, type_of(RecordType::ptr));
  EXPECT_FALSE(ptr.cache_flush);
  EXPECT_EQ(std::get<PtrData>(ptr.data).target.to_string(), self.name + "._p2p._udp.local");

  ASSERT_EQ(response->additionals.size(), 1u);
  const auto& txt = response->additionals[0];
  EXPECT_EQ(txt.name.to_string(), self.name + "._p2p._udp.local");
  EXPECT_TRUE(txt.cache_flush);
  const auto id = self.peer.to_base58();
  EXPECT_EQ(std::get<TxtData>(txt.data).strings,
            (std::vector<std::string>{"dnsaddr=/ip4/192.168.1.20/tcp/4001/p2p/" + id,
                                      "dnsaddr=/ip6/fe80::1/tcp/4001/p2p/" + id}));
}

TEST(MdnsDiscovery, AnswersOnlyWhatIsAsked) {
  auto self = local_peer();
  // Names compare case-insensitively.
  EXPECT_TRUE(make_response(query_for("_P2P._udp.LOCAL", RecordType::ptr), self));
  EXPECT_TRUE(make_response(query_for("_p2p._udp.local", RecordType::any), self));
  EXPECT_FALSE(make_response(query_for("_p2p._udp.local", RecordType::a), self));
  EXPECT_FALSE(make_response(query_for("_http._tcp.local", RecordType::ptr), self));
  // A response never gets one.
  auto echoed = make_query();
  echoed.response = true;
  EXPECT_FALSE(make_response(echoed, self));

  auto txt = make_response(query_for(self.name + "._p2p._udp.local", RecordType::txt), self);
  ASSERT_TRUE(txt);
  ASSERT_EQ(txt->answers.size(), 1u);
  EXPECT_EQ(txt->answers[0].type, type_of(RecordType::txt));
  EXPECT_TRUE(txt->additionals.empty());
  EXPECT_FALSE(make_response(query_for("someone-else._p2p._udp.local", RecordType::txt), self));

  auto meta = make_response(query_for("_services._dns-sd._udp.local", RecordType::ptr), self);
  ASSERT_TRUE(meta);
  ASSERT_EQ(meta->answers.size(), 1u);
  EXPECT_EQ(std::get<PtrData>(meta->answers[0].data).target.to_string(), "_p2p._udp.local");
}

TEST(MdnsDiscovery, AddressesTooLongForATxtStringAreLeftOut) {
  auto self = local_peer();
  // A /dns component of 240 characters makes the attribute exceed 255 bytes.
  self.addresses.push_back(*Multiaddr::parse("/dns/" + std::string(240, 'a') + "/tcp/4001"));
  auto announcement = make_announcement(self);
  ASSERT_EQ(announcement.additionals.size(), 1u);
  EXPECT_EQ(std::get<TxtData>(announcement.additionals[0].data).strings.size(), 2u);
}

TEST(MdnsDiscovery, AnnouncementTeachesThePeerAndItsAddresses) {
  auto other = local_peer();
  auto me = new_peer();
  auto found = discovered_peers(make_announcement(other), me);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].peer, other.peer);
  EXPECT_EQ(found[0].addresses, other.addresses);
  // Our own announcement teaches us nothing; a query describes nobody.
  EXPECT_TRUE(discovered_peers(make_announcement(other), other.peer).empty());
  EXPECT_TRUE(discovered_peers(make_query(), me).empty());
}

TEST(MdnsDiscovery, SurvivesTheWireThroughTheCodec) {
  auto other = local_peer();
  auto bytes = encode(make_announcement(other));
  ASSERT_TRUE(bytes) << bytes.error().message();
  auto decoded = decode(*bytes);
  ASSERT_TRUE(decoded) << decoded.error().message();
  auto found = discovered_peers(*decoded, new_peer());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].peer, other.peer);
  EXPECT_EQ(found[0].addresses, other.addresses);
}

Record txt_of(std::string owner, std::vector<std::string> strings) {
  return Record{Name::parse(owner),         type_of(RecordType::txt), kClassIn, true, 120,
                TxtData{std::move(strings)}};
}

TEST(MdnsDiscovery, HostileAttributesAreSkipped) {
  auto peer = new_peer();
  const auto id = peer.to_base58();
  DnsMessage response;
  response.response = true;
  response.additionals.push_back(
      txt_of("abc._p2p._udp.local",
             {"dnsaddr=/ip4/10.0.0.1/tcp/1", "dnsaddr=not a multiaddr",
              "other=/ip4/10.0.0.2/tcp/2/p2p/" + id, "dnsaddr=/ip4/10.0.0.3/tcp/3/p2p/" + id,
              "dnsaddr=/ip4/10.0.0.3/tcp/3/p2p/" + id,
              "dnsaddr=/ip4/10.0.0.4/tcp/4/p2p/QmNotAPeerId", ""}));
  // Owned by something that is not an instance of the service: ignored.
  response.additionals.push_back(
      txt_of("_p2p._udp.local", {"dnsaddr=/ip4/10.0.0.5/tcp/5/p2p/" + id}));
  response.additionals.push_back(
      txt_of("x.y._p2p._udp.local", {"dnsaddr=/ip4/10.0.0.6/tcp/6/p2p/" + id}));
  auto found = discovered_peers(response, new_peer());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].addresses, std::vector<Multiaddr>{*Multiaddr::parse("/ip4/10.0.0.3/tcp/3")});
}

TEST(MdnsDiscovery, OneResponseTeachesBoundedPeersAndAddresses) {
  DnsMessage response;
  response.response = true;
  std::vector<std::string> many_addresses;
  auto crowded = new_peer();
  for (int port = 1; port <= 40; ++port) {
    many_addresses.push_back("dnsaddr=/ip4/10.0.0.1/tcp/" + std::to_string(port) + "/p2p/" +
                             crowded.to_base58());
  }
  response.answers.push_back(txt_of("crowded._p2p._udp.local", many_addresses));
  for (int i = 0; i < 40; ++i) {
    response.additionals.push_back(
        txt_of("p" + std::to_string(i) + "._p2p._udp.local",
               {"dnsaddr=/ip4/10.0.1.1/tcp/4001/p2p/" + new_peer().to_base58()}));
  }
  auto found = discovered_peers(response, new_peer());
  ASSERT_EQ(found.size(), kMaxPeersPerResponse);
  EXPECT_EQ(found[0].peer, crowded);
  EXPECT_EQ(found[0].addresses.size(), kMaxAddressesPerPeer);
}

TEST(MdnsDiscovery, PeerNamesAreRandomLowerCaseLabels) {
  crypto::SeededRng rng(7);
  std::set<std::string> names;
  for (int i = 0; i < 50; ++i) {
    auto name = random_peer_name(rng);
    ASSERT_EQ(name.size(), 32u);
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 50u);
}

}  // namespace
}  // namespace meshchat::p2p::mdns
