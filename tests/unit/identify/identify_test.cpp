#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/protobuf.hpp"
#include "p2p/identify/decoder.hpp"
#include "p2p/identify/message.hpp"

namespace meshchat::p2p::identify {
namespace {

Identify sample() {
  Identify m;
  m.public_key = *from_hex("08011204deadbeef");
  m.listen_addrs = {*from_hex("047f000001060fa1")};  // /ip4/127.0.0.1/tcp/4001
  m.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"};
  m.observed_addr = *from_hex("04c0a80102061092");  // /ip4/192.168.1.2/tcp/4242
  m.protocol_version = "ipfs/0.1.0";
  m.agent_version = "js-libp2p/3.3.11";
  m.signed_peer_record = *from_hex("aabb");
  return m;
}

// sample() as encoded by js-libp2p's own codec (@libp2p/identify 4.1.14, dist/src/pb/message.js,
// Identify.encode), which writes fields in .proto declaration order: 5, 6, 1, 2, 4, 3, 8.
constexpr const char* kJsBody =
    "2a0a697066732f302e312e30"              // protocolVersion
    "32106a732d6c69627032702f332e332e3131"  // agentVersion
    "0a0808011204deadbeef"                  // publicKey
    "1208047f000001060fa1"                  // listenAddrs
    "220804c0a80102061092"                  // observedAddr
    "1a0e2f697066732f69642f312e302e30"      // protocols
    "1a102f697066732f70696e672f312e302e30"  // protocols
    "4202aabb";                             // signedPeerRecord

// Our order is by field number, as protobuf-go (go-libp2p) writes it.
constexpr const char* kOurBody =
    "0a0808011204deadbeef"
    "1208047f000001060fa1"
    "1a0e2f697066732f69642f312e302e30"
    "1a102f697066732f70696e672f312e302e30"
    "220804c0a80102061092"
    "2a0a697066732f302e312e30"
    "32106a732d6c69627032702f332e332e3131"
    "4202aabb";

TEST(Identify, ProtocolIds) {
  EXPECT_EQ(kProtocolId, "/ipfs/id/1.0.0");
  EXPECT_EQ(kPushProtocolId, "/ipfs/id/push/1.0.0");
}

TEST(Identify, EncodesByteExact) {
  auto framed = encode(sample());
  ASSERT_TRUE(framed);
  EXPECT_EQ(to_hex(*framed), std::string("62") + kOurBody);  // 98-byte body
}

TEST(Identify, DecodesJsLibp2pBytes) {
  auto decoded = decode_body(*from_hex(kJsBody));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, sample());
}

TEST(Identify, EmptyMessageAndEmptyPresentFields) {
  EXPECT_EQ(to_hex(*encode(Identify{})), "00");
  Identify m;
  m.agent_version = "";
  m.listen_addrs = {Bytes{}};
  EXPECT_EQ(to_hex(*encode_body(m)), "12003200");
  EXPECT_EQ(*decode_body(*encode_body(m)), m);
}

TEST(Identify, SkipsUnknownFieldsAndKeepsLastValue) {
  // field 7 varint 1, field 9 bytes "x", agentVersion "a" then "b", field 10 fixed32.
  auto decoded =
      decode_body(*from_hex("3801"
                            "4a0178"
                            "320161"
                            "320162"
                            "5501020304"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->agent_version, "b");
}

TEST(Identify, RejectsWrongWireTypeAndMalformed) {
  EXPECT_EQ(decode_body(*from_hex("2801")).error(), protobuf::Error::wrong_wire_type);
  EXPECT_EQ(decode_body(*from_hex("0a05aa")).error(), protobuf::Error::truncated);
  EXPECT_EQ(decode_body(*from_hex("0f")).error(), protobuf::Error::bad_wire_type);
}

TEST(Identify, CountLimits) {
  Identify m;
  m.listen_addrs.assign(kMaxListenAddrs, Bytes{0x04});
  auto body = encode_body(m);
  ASSERT_TRUE(body);
  EXPECT_TRUE(decode_body(*body));
  m.listen_addrs.push_back(Bytes{0x04});
  EXPECT_EQ(encode_body(m).error(), Error::too_many_listen_addrs);
  append(*body, *from_hex("120104"));
  EXPECT_EQ(decode_body(*body).error(), Error::too_many_listen_addrs);

  Identify p;
  p.protocols.assign(kMaxProtocols + 1, "/p");
  EXPECT_EQ(encode_body(p).error(), Error::too_many_protocols);
  Bytes many;
  for (std::size_t i = 0; i <= kMaxProtocols; ++i) append(many, *from_hex("1a022f70"));
  EXPECT_EQ(decode_body(many).error(), Error::too_many_protocols);
}

TEST(Identify, SizeLimit) {
  Identify m;
  m.signed_peer_record = Bytes(kMaxMessageBytes - 4, 0xab);  // tag 42, 2-byte length, 1 spare
  auto body = encode_body(m);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->size(), kMaxMessageBytes - 1);
  m.signed_peer_record->push_back(0xab);
  EXPECT_EQ(encode_body(m)->size(), kMaxMessageBytes);
  m.signed_peer_record->push_back(0xab);
  EXPECT_EQ(encode_body(m).error(), Error::message_too_large);
  EXPECT_EQ(decode_body(Bytes(kMaxMessageBytes + 1, 0)).error(), Error::message_too_large);
}

TEST(IdentifyDecoder, ReadsOneMessageThenEof) {
  Decoder d;
  ASSERT_TRUE(d.feed(*encode(sample())));
  EXPECT_EQ(d.messages(), 1u);
  auto m = d.finish();
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, sample());
}

TEST(IdentifyDecoder, MergesSplitMessages) {
  // go-libp2p writes the signed peer record in a second message when the first is large.
  Identify base = sample();
  base.signed_peer_record.reset();
  Identify record;
  record.signed_peer_record = *from_hex("aabb");
  record.protocols = {"/meshchat/msg/1.0.0"};
  Bytes stream = *encode(base);
  append(stream, *encode(record));
  Decoder d;
  ASSERT_TRUE(d.feed(stream));
  auto m = d.finish();
  ASSERT_TRUE(m);
  Identify expected = sample();
  expected.protocols.push_back("/meshchat/msg/1.0.0");
  EXPECT_EQ(*m, expected);
}

TEST(IdentifyDecoder, Errors) {
  Decoder empty;
  EXPECT_EQ(empty.finish().error(), Error::no_message);

  Decoder cut;
  Bytes framed = *encode(sample());
  ASSERT_TRUE(cut.feed(ByteView(framed).first(framed.size() - 1)));
  EXPECT_EQ(cut.finish().error(), Error::truncated);

  Decoder half_prefix;
  ASSERT_TRUE(half_prefix.feed(*from_hex("80")));
  EXPECT_EQ(half_prefix.finish().error(), Error::truncated);

  Decoder big;  // 8193 = 0x81 0x40: refused before any body byte
  EXPECT_EQ(big.feed(*from_hex("8140")).error(), Error::message_too_large);
  EXPECT_EQ(big.finish().error(), Error::message_too_large);  // sticky

  Decoder bad;
  EXPECT_EQ(bad.feed(*from_hex("8000")).error(), Error::bad_length);

  Decoder many;
  Bytes stream(kMaxMessages, 0x00);  // ten empty messages are fine
  ASSERT_TRUE(many.feed(stream));
  EXPECT_EQ(many.feed(Bytes{0x00}).error(), Error::too_many_messages);

  Decoder addrs;  // the limit holds across the messages of one stream
  Identify half;
  half.listen_addrs.assign(kMaxListenAddrs / 2 + 1, Bytes{0x04});
  ASSERT_TRUE(addrs.feed(*encode(half)));
  EXPECT_EQ(addrs.feed(*encode(half)).error(), Error::too_many_listen_addrs);
}

TEST(Identify, ApplyPushReplacesPresentFields) {
  Identify stored = sample();
  Identify push;
  push.listen_addrs = {*from_hex("047f000001060fa2")};
  push.agent_version = "js-libp2p/3.3.12";
  apply_push(stored, push);
  Identify expected = sample();
  expected.listen_addrs = push.listen_addrs;
  expected.agent_version = push.agent_version;
  EXPECT_EQ(stored, expected);
  apply_push(stored, Identify{});
  EXPECT_EQ(stored, expected);
}

Identify arbitrary_identify() {
  auto small_bytes = rc::gen::resize(40, rc::gen::arbitrary<Bytes>());
  auto small_string = rc::gen::resize(40, rc::gen::arbitrary<std::string>());
  Identify m;
  if (*rc::gen::arbitrary<bool>()) m.public_key = *small_bytes;
  m.listen_addrs = *rc::gen::resize(12, rc::gen::container<std::vector<Bytes>>(small_bytes));
  m.protocols = *rc::gen::resize(12, rc::gen::container<std::vector<std::string>>(small_string));
  if (*rc::gen::arbitrary<bool>()) m.observed_addr = *small_bytes;
  if (*rc::gen::arbitrary<bool>()) m.protocol_version = *small_string;
  if (*rc::gen::arbitrary<bool>()) m.agent_version = *small_string;
  if (*rc::gen::arbitrary<bool>()) m.signed_peer_record = *small_bytes;
  return m;
}

RC_GTEST_PROP(Identify, RoundTrip, ()) {
  Identify m = arbitrary_identify();
  auto body = encode_body(m);
  RC_ASSERT(body.has_value());
  auto decoded = decode_body(*body);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == m);
}

RC_GTEST_PROP(IdentifyDecoder, AnyChunkingMergesParts, ()) {
  auto parts = *rc::gen::inRange<std::size_t>(1, 4);
  Bytes stream;
  Identify expected;
  for (std::size_t i = 0; i < parts; ++i) {
    Identify part = arbitrary_identify();
    append(stream, *encode(part));
    merge_part(expected, part);
  }
  Decoder d;
  for (std::size_t pos = 0; pos < stream.size();) {
    auto n = *rc::gen::inRange<std::size_t>(1, stream.size() - pos + 1);
    RC_ASSERT(d.feed(ByteView(stream).subspan(pos, n)).has_value());
    pos += n;
  }
  RC_ASSERT(d.messages() == parts);
  auto m = d.finish();
  RC_ASSERT(m.has_value());
  RC_ASSERT(*m == expected);
}

}  // namespace
}  // namespace meshchat::p2p::identify
