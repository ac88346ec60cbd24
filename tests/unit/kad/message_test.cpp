#include "p2p/kad/message.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/protobuf.hpp"

namespace meshchat::p2p::kad {
namespace {

Message sample() {
  Message m;
  m.type = MessageType::get_value;
  m.key = to_bytes("k1");
  m.record = Record{to_bytes("k1"), to_bytes("v"), "2024-01-01T00:00:00Z"};
  m.closer_peers = {PeerEntry{{0x01, 0x02},
                              {*from_hex("047f000001060fa1")},  // /ip4/127.0.0.1/tcp/4001
                              ConnectionType::connected}};
  m.provider_peers = {PeerEntry{{0x03}, {}, ConnectionType::not_connected}};
  return m;
}

// sample(), worked out by hand from the spec's .proto: tag = number << 3 | wire type, then a
// length for byte fields. One string per top-level field, for the truncation test.
const std::vector<std::string> kSampleFields = {
    "0801",                                          // type = GET_VALUE
    "12026b31",                                      // key = "k1"
    "1a1d"                                           // record, 29 bytes:
    "0a026b31"                                       //   key = "k1"
    "120176"                                         //   value = "v"
    "2a14323032342d30312d30315430303a30303a30305a",  // timeReceived (5), 20 bytes
    "4210"                                           // closerPeers, 16 bytes:
    "0a020102"                                       //   id
    "1208047f000001060fa1"                           //   addrs
    "1801",                                          //   connection = CONNECTED
    "4a03"                                           // providerPeers, 3 bytes:
    "0a0103",                                        //   id; connection 0 not written
};

std::string sample_hex() {
  std::string hex;
  for (const auto& field : kSampleFields) hex += field;
  return hex;
}

TEST(KadMessage, ProtocolIdAndLimits) {
  EXPECT_EQ(kProtocolId, "/ipfs/kad/1.0.0");
  EXPECT_EQ(kMaxMessageBytes, 262144u);
  EXPECT_EQ(kMaxPeersPerList, 64u);
  EXPECT_EQ(kMaxAddressesPerPeer, 64u);
  EXPECT_EQ(kMaxKeyBytes, 1024u);
  EXPECT_EQ(kMaxValueBytes, 65536u);
  EXPECT_EQ(kMaxPeerIdBytes, 128u);
  EXPECT_EQ(kMaxAddressBytes, 1024u);
  EXPECT_EQ(kMaxTimeReceivedBytes, 64u);
}

TEST(KadMessage, EncodesByteExact) {
  auto body = encode_body(sample());
  ASSERT_TRUE(body);
  EXPECT_EQ(to_hex(*body), sample_hex());
  auto decoded = decode_body(*body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, sample());
}

TEST(KadMessage, TypeIsAlwaysWritten) {
  Message put;
  put.type = MessageType::put_value;
  EXPECT_EQ(to_hex(*encode_body(put)), "0800");
  EXPECT_EQ(to_hex(*encode_body(Message{})), "0805");  // the default is PING
  Message find;
  find.type = MessageType::find_node;
  find.key = {0xaa};
  EXPECT_EQ(to_hex(*encode_body(find)), "08041201aa");
}

TEST(KadMessage, MissingTypeIsPutValue) {
  auto empty = decode_body({});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->type, MessageType::put_value);
  EXPECT_EQ(*empty, *decode_body(*from_hex("0800")));
  auto keyed = decode_body(*from_hex("1201aa"));
  ASSERT_TRUE(keyed);
  EXPECT_EQ(keyed->type, MessageType::put_value);
  EXPECT_EQ(keyed->key, Bytes{0xaa});
}

TEST(KadMessage, EmptyRecordAndPeerArePresent) {
  Message m;
  m.type = MessageType::put_value;
  m.record = Record{};
  m.closer_peers = {PeerEntry{}};
  EXPECT_EQ(to_hex(*encode_body(m)), "08001a004200");
  EXPECT_EQ(*decode_body(*encode_body(m)), m);
}

TEST(KadMessage, SkipsUnknownFields) {
  // js-libp2p (kad-dht src/message/dht.ts) writes clusterLevel (10) right after type. Also:
  // field 7 bytes, field 11 fixed32, in the record the removed author (3) and signature (4) and a
  // field 6 varint, in the peer a field 4 varint.
  auto decoded =
      decode_body(*from_hex("0801"
                            "5000"
                            "12026b31"
                            "3a0178"
                            "5d01020304"
                            "1a0f0a026b311a01612201621201763001"
                            "420520010a0103"));
  ASSERT_TRUE(decoded);
  Message expected;
  expected.type = MessageType::get_value;
  expected.key = to_bytes("k1");
  expected.record = Record{to_bytes("k1"), to_bytes("v"), ""};
  expected.closer_peers = {PeerEntry{{0x03}, {}, ConnectionType::not_connected}};
  EXPECT_EQ(*decoded, expected);
}

TEST(KadMessage, RepeatedFieldsFollowProtobufRules) {
  // Scalars: the last wins. Record: a second occurrence merges into the first.
  auto decoded =
      decode_body(*from_hex("0801"
                            "0804"
                            "1201aa"
                            "1201bb"
                            "1a030a0161"
                            "1a03120162"
                            "1a030a0163"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->type, MessageType::find_node);
  EXPECT_EQ(decoded->key, Bytes{0xbb});
  ASSERT_TRUE(decoded->record);
  EXPECT_EQ(*decoded->record, (Record{to_bytes("c"), to_bytes("b"), ""}));
}

TEST(KadMessage, MessageTypeRange) {
  for (std::uint8_t t = 0; t <= 5; ++t) {
    auto decoded = decode_body(Bytes{0x08, t});
    ASSERT_TRUE(decoded);
    EXPECT_EQ(static_cast<std::uint8_t>(decoded->type), t);
  }
  EXPECT_EQ(decode_body(*from_hex("0806")).error(), Error::bad_message_type);
  // -1 as a proto3 int32 enum takes ten bytes.
  EXPECT_EQ(decode_body(*from_hex("08ffffffffffffffffff01")).error(), Error::bad_message_type);
}

TEST(KadMessage, UnknownConnectionIsNotConnected) {
  auto known = decode_body(*from_hex("42050a01011803"));
  ASSERT_TRUE(known);
  EXPECT_EQ(known->closer_peers.at(0).connection, ConnectionType::cannot_connect);
  auto unknown = decode_body(*from_hex("4a050a01011804"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->provider_peers.at(0).connection, ConnectionType::not_connected);
  auto negative = decode_body(*from_hex("420e0a010118ffffffffffffffffff01"));
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->closer_peers.at(0).connection, ConnectionType::not_connected);
  EXPECT_EQ(negative->closer_peers.at(0).id, Bytes{0x01});
}

TEST(KadMessage, RejectsWrongWireTypes) {
  for (const char* hex : {
           "0a0100",          // type as bytes
           "1001",            // key as varint
           "1801",            // record as varint
           "4001",            // closerPeers as varint
           "4801",            // providerPeers as varint
           "1a020801",        // record key as varint
           "1a021001",        // record value as varint
           "1a022801",        // record timeReceived as varint
           "42020801",        // peer id as varint
           "42021001",        // peer addrs as varint
           "42050a01011a00",  // peer connection as bytes
       }) {
    auto decoded = decode_body(*from_hex(hex));
    ASSERT_FALSE(decoded) << hex;
    EXPECT_EQ(decoded.error(), protobuf::Error::wrong_wire_type) << hex;
  }
}

TEST(KadMessage, RejectsMalformed) {
  EXPECT_EQ(decode_body(*from_hex("1205aa")).error(), protobuf::Error::truncated);
  EXPECT_EQ(decode_body(*from_hex("0f")).error(), protobuf::Error::bad_wire_type);
  EXPECT_EQ(decode_body(*from_hex("0001")).error(), protobuf::Error::bad_field_number);
  EXPECT_EQ(decode_body(*from_hex("1a020a05")).error(), protobuf::Error::truncated);  // in record
  EXPECT_EQ(decode_body(*from_hex("4202120a")).error(), protobuf::Error::truncated);  // in peer
}

// Cutting a body between top-level fields leaves a shorter valid message; cutting anywhere else
// (a tag, a length, or inside a record or peer) must be refused.
TEST(KadMessage, EveryTruncationIsRefusedOrShorter) {
  Bytes body = *from_hex(sample_hex());
  std::set<std::size_t> boundaries{0};
  std::size_t end = 0;
  for (const auto& field : kSampleFields) boundaries.insert(end += field.size() / 2);
  ASSERT_EQ(end, body.size());
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    auto decoded = decode_body(ByteView(body).first(cut));
    if (boundaries.contains(cut)) {
      ASSERT_TRUE(decoded) << cut;
      EXPECT_NE(*decoded, sample()) << cut;
    } else {
      ASSERT_FALSE(decoded) << cut;
      EXPECT_EQ(decoded.error(), protobuf::Error::truncated) << cut;
    }
  }
}

// `message` (at a limit) round-trips; `over` (one past it) is refused by the encoder with `error`.
// The decoder's side of each limit is checked on hand-made bytes, which the encoder cannot make.
void expect_limit(const Message& message, const Message& over, Error error) {
  auto body = encode_body(message);
  ASSERT_TRUE(body);
  auto decoded = decode_body(*body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, message);
  ASSERT_FALSE(encode_body(over));
  EXPECT_EQ(encode_body(over).error(), error);
}

// A FIND_NODE body of `peers` closerPeers, each with `addrs` addresses of `addr_size` bytes,
// written without the encoder's checks.
Bytes encode_unchecked_peer_list(std::size_t peers, std::size_t addrs, std::size_t addr_size) {
  protobuf::Writer peer;
  peer.bytes_field(1, Bytes{0x01});
  for (std::size_t i = 0; i < addrs; ++i) peer.bytes_field(2, Bytes(addr_size, 0x04));
  protobuf::Writer w;
  w.varint_field(1, 4);
  for (std::size_t i = 0; i < peers; ++i) w.bytes_field(8, peer.bytes());
  return w.take();
}

TEST(KadMessage, PeerLimits) {
  Message m;
  m.closer_peers.assign(kMaxPeersPerList, PeerEntry{{0x01}, {}, ConnectionType::connected});
  Message over = m;
  over.closer_peers.push_back(over.closer_peers.back());
  expect_limit(m, over, Error::too_many_peers);
  Message providers;
  providers.provider_peers = over.closer_peers;
  EXPECT_EQ(encode_body(providers).error(), Error::too_many_peers);
  EXPECT_EQ(decode_body(encode_unchecked_peer_list(kMaxPeersPerList + 1, 0, 0)).error(),
            Error::too_many_peers);
  Bytes provider_bytes = *from_hex("0804");
  for (std::size_t i = 0; i <= kMaxPeersPerList; ++i) append(provider_bytes, *from_hex("4a00"));
  EXPECT_EQ(decode_body(provider_bytes).error(), Error::too_many_peers);

  Message addrs;
  addrs.closer_peers = {PeerEntry{{0x01},
                                  std::vector<Bytes>(kMaxAddressesPerPeer, Bytes{0x04}),
                                  ConnectionType::not_connected}};
  Message more_addrs = addrs;
  more_addrs.closer_peers[0].addrs.push_back(Bytes{0x04});
  expect_limit(addrs, more_addrs, Error::too_many_addresses);
  EXPECT_EQ(decode_body(encode_unchecked_peer_list(1, kMaxAddressesPerPeer + 1, 1)).error(),
            Error::too_many_addresses);

  Message long_addr;
  long_addr.closer_peers = {PeerEntry{{0x01}, {Bytes(kMaxAddressBytes, 0x04)}, {}}};
  Message longer_addr = long_addr;
  longer_addr.closer_peers[0].addrs[0].push_back(0x04);
  expect_limit(long_addr, longer_addr, Error::address_too_large);
  EXPECT_EQ(decode_body(encode_unchecked_peer_list(1, 1, kMaxAddressBytes + 1)).error(),
            Error::address_too_large);

  Message long_id;
  long_id.provider_peers = {PeerEntry{Bytes(kMaxPeerIdBytes, 0x12), {}, {}}};
  Message longer_id = long_id;
  longer_id.provider_peers[0].id.push_back(0x12);
  expect_limit(long_id, longer_id, Error::peer_id_too_large);
  Bytes id_bytes = *from_hex(
      "4a8301"
      "0a8001");  // a peer of 131 bytes holding a 128-byte id
  id_bytes.resize(id_bytes.size() + kMaxPeerIdBytes, 0x12);
  EXPECT_TRUE(decode_body(id_bytes));
  id_bytes = *from_hex(
      "4a8401"
      "0a8101");
  id_bytes.resize(id_bytes.size() + kMaxPeerIdBytes + 1, 0x12);
  EXPECT_EQ(decode_body(id_bytes).error(), Error::peer_id_too_large);
}

TEST(KadMessage, KeyValueAndTimeLimits) {
  Message key;
  key.key = Bytes(kMaxKeyBytes, 'k');
  Message longer_key = key;
  longer_key.key.push_back('k');
  expect_limit(key, longer_key, Error::key_too_large);
  Bytes key_bytes = *from_hex("128108");  // 1025
  key_bytes.resize(key_bytes.size() + kMaxKeyBytes + 1, 'k');
  EXPECT_EQ(decode_body(key_bytes).error(), Error::key_too_large);

  Message record;
  record.record = Record{Bytes(kMaxKeyBytes, 'k'), Bytes(kMaxValueBytes, 'v'),
                         std::string(kMaxTimeReceivedBytes, 't')};
  Message record_key = record;
  record_key.record->key.push_back('k');
  expect_limit(record, record_key, Error::key_too_large);
  Message record_value = record;
  record_value.record->value.push_back('v');
  expect_limit(record, record_value, Error::value_too_large);
  Message record_time = record;
  record_time.record->time_received.push_back('t');
  expect_limit(record, record_time, Error::time_received_too_large);

  // Inside a record: key 1025 bytes, value 65537 bytes, timeReceived 65 bytes.
  auto record_with = [](const char* field_header, std::size_t size) {
    Bytes field = *from_hex(field_header);
    field.resize(field.size() + size, 'x');
    protobuf::Writer w;
    w.bytes_field(3, field);
    return w.take();
  };
  EXPECT_EQ(decode_body(record_with("0a8108", kMaxKeyBytes + 1)).error(), Error::key_too_large);
  EXPECT_EQ(decode_body(record_with("12818004", kMaxValueBytes + 1)).error(),
            Error::value_too_large);
  EXPECT_EQ(decode_body(record_with("2a41", kMaxTimeReceivedBytes + 1)).error(),
            Error::time_received_too_large);
  EXPECT_TRUE(decode_body(record_with("12808004", kMaxValueBytes)));
}

TEST(KadMessage, MessageSizeLimit) {
  // The 2-byte type, 26 peers of ten 1000-byte addresses (10033 bytes each with tags and lengths)
  // and a peer of one 1000-byte address (1006 bytes) leave 278 bytes: a 275-byte key.
  Message m;
  m.type = MessageType::ping;
  m.key = Bytes(275, 'k');
  for (int i = 0; i < 26; ++i) {
    m.closer_peers.push_back(PeerEntry{{}, std::vector<Bytes>(10, Bytes(1000, 0x04)), {}});
  }
  m.closer_peers.push_back(PeerEntry{{}, {Bytes(1000, 0x04)}, {}});
  auto body = encode_body(m);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->size(), kMaxMessageBytes);
  EXPECT_EQ(*decode_body(*body), m);
  append(*body, *from_hex("5000"));  // clusterLevelRaw: still valid protobuf, two bytes over
  EXPECT_EQ(decode_body(*body).error(), Error::message_too_large);
  m.key.push_back('k');
  EXPECT_EQ(encode_body(m).error(), Error::message_too_large);
}

Bytes small_bytes(std::size_t max) {
  return *rc::gen::resize(static_cast<int>(max), rc::gen::arbitrary<Bytes>());
}

PeerEntry arbitrary_peer() {
  PeerEntry peer;
  peer.id = small_bytes(40);
  peer.addrs = *rc::gen::resize(
      6, rc::gen::container<std::vector<Bytes>>(rc::gen::resize(30, rc::gen::arbitrary<Bytes>())));
  peer.connection = static_cast<ConnectionType>(*rc::gen::inRange(0, 4));
  return peer;
}

Message arbitrary_message() {
  Message m;
  m.type = static_cast<MessageType>(*rc::gen::inRange(0, 6));
  m.key = small_bytes(40);
  if (*rc::gen::arbitrary<bool>()) {
    m.record = Record{small_bytes(40), small_bytes(100),
                      *rc::gen::resize(35, rc::gen::arbitrary<std::string>())};
  }
  auto peers = [] {
    std::vector<PeerEntry> list(*rc::gen::inRange(0, 8));
    for (auto& peer : list) peer = arbitrary_peer();
    return list;
  };
  m.closer_peers = peers();
  m.provider_peers = peers();
  return m;
}

RC_GTEST_PROP(KadMessage, RoundTrip, ()) {
  Message m = arbitrary_message();
  auto body = encode_body(m);
  RC_ASSERT(body.has_value());
  auto decoded = decode_body(*body);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == m);
}

// Prefixes and single-byte corruptions of valid bodies: decoding never crashes, only documented
// errors come out, and whatever decodes re-encodes to something that decodes the same.
RC_GTEST_PROP(KadMessage, DamagedBodiesDecodeSafely, ()) {
  Bytes body = *encode_body(arbitrary_message());
  if (!body.empty() && *rc::gen::arbitrary<bool>()) {
    auto at = *rc::gen::inRange<std::size_t>(0, body.size());
    body[at] = *rc::gen::arbitrary<std::uint8_t>();
  }
  auto cut = *rc::gen::inRange<std::size_t>(0, body.size() + 1);
  auto decoded = decode_body(ByteView(body).first(cut));
  if (!decoded) {
    const auto& e = decoded.error();
    RC_ASSERT(e.category() == protobuf::error_category() || e.category() == error_category());
    return;
  }
  auto again = encode_body(*decoded);
  RC_ASSERT(again.has_value());
  RC_ASSERT(*decode_body(*again) == *decoded);
}

}  // namespace
}  // namespace meshchat::p2p::kad
