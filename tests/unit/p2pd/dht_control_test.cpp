#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <set>

#include "core/protobuf.hpp"
#include "p2pd/control.hpp"
#include "p2pd/dht_control.hpp"

namespace meshchat::p2pd {
namespace {

// Expected bytes were worked out by hand from pb/p2pd.proto and match what npm
// @libp2p/daemon-protocol 8.0.4 (protons-runtime) encodes for the same messages.
constexpr const char* kPeer =  // an identity-multihash Ed25519 PeerId, 38 bytes
    "002408011220"
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kCid =  // CIDv1, raw codec, sha2-256 of 32 bytes 0x22: 36 bytes
    "01551220"
    "2222222222222222222222222222222222222222222222222222222222222222";
constexpr const char* kAddr1 = "047f000001060fa1";  // /ip4/127.0.0.1/tcp/4001
constexpr const char* kAddr2 = "047f000001060fa2";  // /ip4/127.0.0.1/tcp/4002

// type FIND_PEER (08 00: written although 0), peer (12 26 …).
constexpr const char* kFindPeer =
    "0800"
    "1226"
    "0024080112201111111111111111111111111111111111111111111111111111111111111111";
// type GET_VALUE (08 05), key "key" (22 03 6b6579).
constexpr const char* kGetValue =
    "0805"
    "22036b6579";
// type PROVIDE (08 08), cid (1a 24 …).
constexpr const char* kProvide =
    "0808"
    "1a24"
    "015512202222222222222222222222222222222222222222222222222222222222222222";
// type FIND_PROVIDERS (08 02), cid, count -1 (30 + ten bytes), timeout -1 (38 + ten bytes).
constexpr const char* kFindProvidersNegative =
    "0802"
    "1a24"
    "015512202222222222222222222222222222222222222222222222222222222222222222"
    "30ffffffffffffffffff01"
    "38ffffffffffffffffff01";
// type PUT_VALUE (08 07), key "k" (22 01 6b), empty value still written (2a 00).
constexpr const char* kPutEmptyValue =
    "0807"
    "22016b"
    "2a00";
// type VALUE (08 01), peer (12 3c): id (0a 26 …), addrs (12 08 …) twice.
constexpr const char* kValueWithPeer =
    "0801"
    "123c"
    "0a26"
    "0024080112201111111111111111111111111111111111111111111111111111111111111111"
    "1208047f000001060fa1"
    "1208047f000001060fa2";
constexpr const char* kValueBytes =
    "0801"
    "1a026869";  // type VALUE, value "hi"
constexpr const char* kBegin = "0800";
constexpr const char* kEnd = "0802";

Bytes hex(const char* text) {
  return *from_hex(text);
}

DhtRequest find_peer() {
  DhtRequest r;
  r.peer = hex(kPeer);
  return r;
}

DhtRequest get_value() {
  DhtRequest r;
  r.type = DhtRequestType::get_value;
  r.key = to_bytes("key");
  return r;
}

DhtRequest provide() {
  DhtRequest r;
  r.type = DhtRequestType::provide;
  r.cid = hex(kCid);
  return r;
}

DhtRequest find_providers_negative() {
  DhtRequest r;
  r.type = DhtRequestType::find_providers;
  r.cid = hex(kCid);
  r.count = -1;
  r.timeout = -1;
  return r;
}

DhtResponse value_with_peer() {
  DhtResponse r;
  r.type = DhtResponseType::value;
  r.peer = PeerInfo{hex(kPeer), {hex(kAddr1), hex(kAddr2)}};
  return r;
}

TEST(DhtControl, RequestBytes) {
  EXPECT_EQ(to_hex(encode(find_peer())), kFindPeer);
  EXPECT_EQ(to_hex(encode(get_value())), kGetValue);
  EXPECT_EQ(to_hex(encode(provide())), kProvide);
  EXPECT_EQ(to_hex(encode(find_providers_negative())), kFindProvidersNegative);
  DhtRequest put;
  put.type = DhtRequestType::put_value;
  put.key = to_bytes("k");
  put.value = Bytes{};
  EXPECT_EQ(to_hex(encode(put)), kPutEmptyValue);

  EXPECT_EQ(*decode_dht_request(hex(kFindPeer)), find_peer());
  EXPECT_EQ(*decode_dht_request(hex(kGetValue)), get_value());
  EXPECT_EQ(*decode_dht_request(hex(kProvide)), provide());
  EXPECT_EQ(*decode_dht_request(hex(kFindProvidersNegative)), find_providers_negative());
  auto decoded_put = decode_dht_request(hex(kPutEmptyValue));
  ASSERT_TRUE(decoded_put.has_value());
  EXPECT_EQ(decoded_put->value, Bytes{});  // present and empty, not absent
  EXPECT_FALSE(decoded_put->peer.has_value());
}

TEST(DhtControl, ResponseBytes) {
  EXPECT_EQ(to_hex(encode(value_with_peer())), kValueWithPeer);
  DhtResponse value;
  value.type = DhtResponseType::value;
  value.value = to_bytes("hi");
  EXPECT_EQ(to_hex(encode(value)), kValueBytes);
  EXPECT_EQ(to_hex(encode(DhtResponse{})), kBegin);
  DhtResponse end;
  end.type = DhtResponseType::end;
  EXPECT_EQ(to_hex(encode(end)), kEnd);

  EXPECT_EQ(*decode_dht_response(hex(kValueWithPeer)), value_with_peer());
  EXPECT_EQ(*decode_dht_response(hex(kValueBytes)), value);
  EXPECT_EQ(*decode_dht_response(hex(kEnd)), end);
  EXPECT_EQ(*decode_dht_response(hex(kBegin)), DhtResponse{});
}

TEST(DhtControl, WrappedInAControlRequest) {
  // Request{type DHT (08 04), dht (2a 07 …)}: the opaque control.hpp field carries our bytes.
  Request request;
  request.type = RequestType::dht;
  request.dht = encode(get_value());
  EXPECT_EQ(to_hex(encode(request)),
            "0804"
            "2a07"
            "080522036b6579");
  EXPECT_EQ(*decode_dht_request(*decode_request(encode(request))->dht), get_value());
}

TEST(DhtControl, NegativeCount) {
  DhtRequest r;
  r.type = DhtRequestType::find_providers;
  r.count = -5;
  // -5 as int64 two's complement: fb ff ff ff ff ff ff ff ff 01.
  EXPECT_EQ(to_hex(encode(r)),
            "0802"
            "30fbffffffffffffffff01");
  EXPECT_EQ(decode_dht_request(encode(r))->count, -5);
  // A sender that writes the int32 as five bytes (uint32 form) means the same value.
  EXPECT_EQ(decode_dht_request(hex("0802"
                                   "30fbffffff0f"))
                ->count,
            -5);
  r.count = 20;
  EXPECT_EQ(to_hex(encode(r)),
            "0802"
            "3014");
  r.count = std::numeric_limits<std::int32_t>::min();
  EXPECT_EQ(decode_dht_request(encode(r))->count, std::numeric_limits<std::int32_t>::min());
}

TEST(DhtControl, UnknownTypeIsRefused) {
  EXPECT_EQ(decode_dht_request(hex("0809")).error(), Error::unknown_type);  // 9: after PROVIDE
  EXPECT_TRUE(decode_dht_request(hex("0808")).has_value());
  EXPECT_EQ(decode_dht_response(hex("0803")).error(), Error::unknown_type);  // 3: after END
  EXPECT_EQ(decode_dht_response(hex("08ffffffffffffffffff01")).error(), Error::unknown_type);
}

TEST(DhtControl, MissingTypeAndUnknownFields) {
  auto empty = decode_dht_request({});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, DhtRequest{});  // FIND_PEER, the enum's zero
  // GET_VALUE, then field 15 (varint 1), field 14 (bytes "ab"), then key "k".
  auto r =
      decode_dht_request(hex("0805"
                             "7801"
                             "72026162"
                             "22016b"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, DhtRequestType::get_value);
  EXPECT_EQ(r->key, to_bytes("k"));
  // VALUE whose PeerInfo carries an unknown field 3 between id and addr.
  auto response =
      decode_dht_response(hex("0801"
                              "1209"
                              "0a0161"
                              "1a0178"
                              "1201"
                              "04"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->peer, (PeerInfo{to_bytes("a"), {Bytes{0x04}}}));
}

TEST(DhtControl, WrongWireTypes) {
  EXPECT_EQ(decode_dht_request(hex("0a00")).error(), protobuf::Error::wrong_wire_type);
  EXPECT_EQ(decode_dht_request(hex("1001")).error(), protobuf::Error::wrong_wire_type);  // peer
  EXPECT_EQ(decode_dht_request(hex("3200")).error(), protobuf::Error::wrong_wire_type);  // count
  EXPECT_EQ(decode_dht_request(hex("3a00")).error(), protobuf::Error::wrong_wire_type);
  EXPECT_EQ(decode_dht_response(hex("1001")).error(), protobuf::Error::wrong_wire_type);
  // PeerInfo whose addr is a varint.
  EXPECT_EQ(decode_dht_response(hex("0801"
                                    "1202"
                                    "1001"))
                .error(),
            protobuf::Error::wrong_wire_type);
}

TEST(DhtControl, PeerInfoAddrLimit) {
  DhtResponse r;
  r.type = DhtResponseType::value;
  r.peer = PeerInfo{hex(kPeer), std::vector<Bytes>(kMaxListItems, Bytes{0x04})};
  auto at_limit = decode_dht_response(encode(r));
  ASSERT_TRUE(at_limit.has_value());
  EXPECT_EQ(at_limit->peer->addrs.size(), kMaxListItems);
  r.peer->addrs.push_back(Bytes{0x04});
  EXPECT_EQ(decode_dht_response(encode(r)).error(), Error::too_many_items);
}

// The top-level field boundaries of a message: cutting there leaves a shorter valid message,
// cutting anywhere else (inside a tag, a varint or a length-delimited field, including the
// PeerInfo) must be an error.
std::set<std::size_t> field_boundaries(ByteView body) {
  std::set<std::size_t> out{0};
  for (std::size_t cut = 1; cut <= body.size(); ++cut) {
    protobuf::Reader prefix(body.first(cut));
    for (;;) {
      auto next = prefix.next();
      if (!next) break;
      if (!*next) {
        out.insert(cut);
        break;
      }
    }
  }
  return out;
}

template <class Decode>
void expect_truncations_fail(const char* message, Decode decode) {
  Bytes body = hex(message);
  auto boundaries = field_boundaries(body);
  ASSERT_GE(boundaries.size(), 2u);
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    auto decoded = decode(ByteView(body).first(cut));
    if (boundaries.count(cut) != 0) {
      ASSERT_TRUE(decoded.has_value()) << message << " cut at " << cut;
      EXPECT_NE(*decoded, *decode(body)) << message << " cut at " << cut;
    } else {
      EXPECT_FALSE(decoded.has_value()) << message << " cut at " << cut;
    }
  }
}

TEST(DhtControl, EveryTruncationIsAnErrorOrAShorterMessage) {
  for (const char* m : {kFindPeer, kGetValue, kProvide, kFindProvidersNegative, kPutEmptyValue}) {
    expect_truncations_fail(m, decode_dht_request);
  }
  for (const char* m : {kValueWithPeer, kValueBytes, kEnd}) {
    expect_truncations_fail(m, decode_dht_response);
  }
  // The VALUE with a PeerInfo has exactly three valid cuts: empty, after the type, whole.
  EXPECT_EQ(field_boundaries(hex(kValueWithPeer)),
            (std::set<std::size_t>{0, 2, hex(kValueWithPeer).size()}));
}

Bytes arbitrary_bytes() {
  return *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 40),
                                    rc::gen::arbitrary<std::uint8_t>());
}

std::optional<Bytes> maybe_bytes() {
  if (*rc::gen::arbitrary<bool>()) return std::nullopt;
  return arbitrary_bytes();
}

template <class T>
std::optional<T> maybe_number() {
  if (*rc::gen::arbitrary<bool>()) return std::nullopt;
  return *rc::gen::arbitrary<T>();
}

RC_GTEST_PROP(DhtControl, RequestRoundTrip, ()) {
  DhtRequest r;
  r.type = static_cast<DhtRequestType>(*rc::gen::inRange<std::uint32_t>(0, 9));
  r.peer = maybe_bytes();
  r.cid = maybe_bytes();
  r.key = maybe_bytes();
  r.value = maybe_bytes();
  r.count = maybe_number<std::int32_t>();
  r.timeout = maybe_number<std::int64_t>();
  auto decoded = decode_dht_request(encode(r));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == r);
}

RC_GTEST_PROP(DhtControl, ResponseRoundTrip, ()) {
  DhtResponse r;
  r.type = static_cast<DhtResponseType>(*rc::gen::inRange<std::uint32_t>(0, 3));
  if (*rc::gen::arbitrary<bool>()) {
    PeerInfo peer{arbitrary_bytes(), {}};
    peer.addrs.resize(*rc::gen::inRange<std::size_t>(0, 4));
    for (auto& addr : peer.addrs) addr = arbitrary_bytes();
    r.peer = std::move(peer);
  }
  r.value = maybe_bytes();
  auto decoded = decode_dht_response(encode(r));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == r);
}

// Arbitrary bytes never crash the decoders and only documented errors come out.
RC_GTEST_PROP(DhtControl, ArbitraryBytesGiveAValueOrADocumentedError, ()) {
  auto body = *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 64),
                                         rc::gen::arbitrary<std::uint8_t>());
  const auto& protobuf_errors = std::error_code(protobuf::Error::truncated).category();
  auto request = decode_dht_request(body);
  auto response = decode_dht_response(body);
  for (const std::error_code& error : {request ? std::error_code() : request.error(),
                                       response ? std::error_code() : response.error()}) {
    if (!error) continue;
    RC_ASSERT(error == Error::unknown_type || error == Error::too_many_items ||
              error.category() == protobuf_errors);
  }
}

}  // namespace
}  // namespace meshchat::p2pd
