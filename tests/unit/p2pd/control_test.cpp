#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "p2pd/control.hpp"

namespace meshchat::p2pd {
namespace {

// Byte vectors produced with npm @libp2p/daemon-protocol 8.0.4 (dist/src/index.js, the
// Request/Response/StreamInfo codecs the js daemon client uses, protons-runtime 6.0.2).
constexpr const char* kPeer =  // an identity-multihash Ed25519 PeerId
    "002408011220"
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kAddr = "047f000001060fa1";  // /ip4/127.0.0.1/tcp/4001
constexpr const char* kJsIdentify = "0800";
constexpr const char* kJsListPeers = "0805";
constexpr const char* kJsConnect =  // peer, addrs [kAddr], timeout 5
    "080112340a26002408011220111111111111111111111111111111111111111111111111111111111111111112"
    "08047f000001060fa11805";
constexpr const char* kJsStreamOpen =  // peer, proto ["/echo/1.0.0"], no timeout
    "08021a350a26002408011220111111111111111111111111111111111111111111111111111111111111111112"
    "0b2f6563686f2f312e302e30";
constexpr const char* kJsStreamHandler =  // addr kAddr, proto ["/echo/1.0.0", "/x"]
    "0803221b0a08047f000001060fa1120b2f6563686f2f312e302e3012022f78";
constexpr const char* kJsDisconnect =
    "08073a280a260024080112201111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kJsOk = "0800";
constexpr const char* kJsError = "080112060a04626f6f6d";  // msg "boom"
constexpr const char* kJsIdentifyResponse =
    "080022320a26002408011220111111111111111111111111111111111111111111111111111111111111111112"
    "08047f000001060fa1";
constexpr const char* kJsPeers =
    "080032320a26002408011220111111111111111111111111111111111111111111111111111111111111111112"
    "08047f000001060fa1";
constexpr const char* kJsStreamInfo =
    "0a26002408011220111111111111111111111111111111111111111111111111111111111111111112"
    "08047f000001060fa11a0b2f6563686f2f312e302e30";

Bytes hex(const char* text) {
  return *from_hex(text);
}

TEST(Control, RequestsMatchJsClientBytes) {
  Request identify;
  EXPECT_EQ(to_hex(encode(identify)), kJsIdentify);
  Request list;
  list.type = RequestType::list_peers;
  EXPECT_EQ(to_hex(encode(list)), kJsListPeers);

  Request connect;
  connect.type = RequestType::connect;
  connect.connect = ConnectRequest{hex(kPeer), {hex(kAddr)}, 5};
  EXPECT_EQ(to_hex(encode(connect)), kJsConnect);

  Request open;
  open.type = RequestType::stream_open;
  open.stream_open = StreamOpenRequest{hex(kPeer), {"/echo/1.0.0"}, std::nullopt};
  EXPECT_EQ(to_hex(encode(open)), kJsStreamOpen);

  Request handler;
  handler.type = RequestType::stream_handler;
  handler.stream_handler = StreamHandlerRequest{hex(kAddr), {"/echo/1.0.0", "/x"}};
  EXPECT_EQ(to_hex(encode(handler)), kJsStreamHandler);

  Request disconnect;
  disconnect.type = RequestType::disconnect;
  disconnect.disconnect = DisconnectRequest{hex(kPeer)};
  EXPECT_EQ(to_hex(encode(disconnect)), kJsDisconnect);

  for (const auto& r : {identify, list, connect, open, handler, disconnect}) {
    auto decoded = decode_request(encode(r));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, r);
  }
}

TEST(Control, ResponsesMatchJsBytes) {
  EXPECT_EQ(to_hex(encode(ok_response())), kJsOk);  // type 0 is written, not omitted
  EXPECT_EQ(to_hex(encode(error_response("boom"))), kJsError);

  Response identify = ok_response();
  identify.identify = IdentifyResponse{hex(kPeer), {hex(kAddr)}};
  EXPECT_EQ(to_hex(encode(identify)), kJsIdentifyResponse);

  Response peers = ok_response();
  peers.peers = {PeerInfo{hex(kPeer), {hex(kAddr)}}};
  EXPECT_EQ(to_hex(encode(peers)), kJsPeers);

  StreamInfo info{hex(kPeer), hex(kAddr), "/echo/1.0.0"};
  EXPECT_EQ(to_hex(encode(info)), kJsStreamInfo);
  EXPECT_EQ(*decode_stream_info(hex(kJsStreamInfo)), info);

  auto err = decode_response(hex(kJsError));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->type, ResponseType::error);
  EXPECT_EQ(err->error->msg, "boom");
  EXPECT_EQ(*decode_response(hex(kJsPeers)), peers);
}

TEST(Control, MissingTypeMeansIdentifyAndUnknownFieldsAreSkipped) {
  auto empty = decode_request({});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->type, RequestType::identify);
  // type LIST_PEERS, then field 15 (varint 1) and field 14 (bytes "ab") that we do not know.
  auto r = decode_request(hex("0805780172026162"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, RequestType::list_peers);
}

TEST(Control, DecodeErrors) {
  EXPECT_EQ(decode_request(hex("080a")).error(), Error::unknown_type);  // type 10
  EXPECT_EQ(decode_response(hex("0802")).error(), Error::unknown_type);
  EXPECT_EQ(decode_request(hex("0a00")).error(),
            protobuf::Error::wrong_wire_type);  // type as bytes
  EXPECT_EQ(decode_request(hex("1205")).error(), protobuf::Error::truncated);
  // CONNECT whose timeout is sent as bytes.
  EXPECT_EQ(decode_request(hex("080112021a00")).error(), protobuf::Error::wrong_wire_type);
}

TEST(Control, TimeoutIsSignedInt64) {
  Request r;
  r.type = RequestType::connect;
  r.connect = ConnectRequest{{}, {}, -1};
  auto decoded = decode_request(encode(r));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->connect->timeout, -1);
}

TEST(Control, ListLimit) {
  StreamHandlerRequest many;
  many.protos.assign(kMaxListItems, "p");
  Request r;
  r.type = RequestType::stream_handler;
  r.stream_handler = many;
  EXPECT_TRUE(decode_request(encode(r)).has_value());
  r.stream_handler->protos.push_back("p");
  EXPECT_EQ(decode_request(encode(r)).error(), Error::too_many_items);
}

TEST(FrameReader, SplitsMessagesAndKeepsTheRest) {
  Bytes stream = frame(hex(kJsIdentify));
  append(stream, frame(hex(kJsStreamOpen)));
  append(stream, to_bytes("raw stream bytes"));
  FrameReader reader;
  for (auto byte : stream) ASSERT_TRUE(reader.feed(ByteView(&byte, 1)).has_value());
  EXPECT_EQ(to_hex(**reader.next()), kJsIdentify);
  EXPECT_EQ(to_hex(**reader.next()), kJsStreamOpen);
  // "raw stream bytes" starts with 'r' (0x72 = 114): read as a length, not complete yet.
  EXPECT_FALSE(reader.next()->has_value());
  EXPECT_TRUE(reader.in_message());
  EXPECT_EQ(as_string(reader.take_remaining()), "raw stream bytes");
  EXPECT_FALSE(reader.in_message());
}

TEST(FrameReader, RefusesOversizedPrefixBeforeTheBody) {
  FrameReader ok;
  EXPECT_TRUE(ok.feed(varint::encode(kMaxMessageBytes)).has_value());
  FrameReader reader;
  auto r = reader.feed(varint::encode(kMaxMessageBytes + 1));
  EXPECT_EQ(r.error(), Error::too_large);
  EXPECT_EQ(reader.next().error(), Error::too_large);  // sticky
  EXPECT_EQ(reader.feed(hex("00")).error(), Error::too_large);
}

TEST(FrameReader, RefusesNonMinimalPrefix) {
  FrameReader reader;
  EXPECT_EQ(reader.feed(hex("8000")).error(), varint::Error::not_minimal);
}

TEST(FrameReader, OversizedSecondMessageIsRefusedByNext) {
  Bytes stream = frame(hex(kJsIdentify));
  append(stream, varint::encode(kMaxMessageBytes + 1));
  FrameReader reader;
  ASSERT_TRUE(reader.feed(stream).has_value());
  EXPECT_EQ(to_hex(**reader.next()), kJsIdentify);
  EXPECT_EQ(reader.next().error(), Error::too_large);
}

Bytes arbitrary_bytes() {
  return *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 40),
                                    rc::gen::arbitrary<std::uint8_t>());
}

std::vector<Bytes> arbitrary_list() {
  std::vector<Bytes> out(*rc::gen::inRange<std::size_t>(0, 4));
  for (auto& b : out) b = arbitrary_bytes();
  return out;
}

std::vector<std::string> arbitrary_strings() {
  return *rc::gen::container<std::vector<std::string>>(*rc::gen::inRange<std::size_t>(0, 4),
                                                       rc::gen::arbitrary<std::string>());
}

std::optional<std::int64_t> arbitrary_timeout() {
  if (*rc::gen::arbitrary<bool>()) return std::nullopt;
  return *rc::gen::arbitrary<std::int64_t>();
}

std::optional<Bytes> maybe_bytes() {
  if (*rc::gen::arbitrary<bool>()) return std::nullopt;
  return arbitrary_bytes();
}

RC_GTEST_PROP(Control, RequestRoundTrip, ()) {
  Request r;
  r.type = static_cast<RequestType>(*rc::gen::inRange<std::uint32_t>(0, 10));
  if (*rc::gen::arbitrary<bool>()) {
    r.connect = ConnectRequest{arbitrary_bytes(), arbitrary_list(), arbitrary_timeout()};
  }
  if (*rc::gen::arbitrary<bool>()) {
    r.stream_open = StreamOpenRequest{arbitrary_bytes(), arbitrary_strings(), arbitrary_timeout()};
  }
  if (*rc::gen::arbitrary<bool>()) {
    r.stream_handler = StreamHandlerRequest{arbitrary_bytes(), arbitrary_strings()};
  }
  if (*rc::gen::arbitrary<bool>()) r.disconnect = DisconnectRequest{arbitrary_bytes()};
  r.dht = maybe_bytes();
  r.conn_manager = maybe_bytes();
  r.pubsub = maybe_bytes();
  r.peer_store = maybe_bytes();
  auto decoded = decode_request(encode(r));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == r);
}

RC_GTEST_PROP(Control, ResponseRoundTrip, ()) {
  Response r;
  r.type = static_cast<ResponseType>(*rc::gen::inRange<std::uint32_t>(0, 2));
  if (*rc::gen::arbitrary<bool>()) r.error = ErrorResponse{*rc::gen::arbitrary<std::string>()};
  if (*rc::gen::arbitrary<bool>()) {
    r.stream_info =
        StreamInfo{arbitrary_bytes(), arbitrary_bytes(), *rc::gen::arbitrary<std::string>()};
  }
  if (*rc::gen::arbitrary<bool>())
    r.identify = IdentifyResponse{arbitrary_bytes(), arbitrary_list()};
  auto peers = *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < peers; ++i) r.peers.push_back({arbitrary_bytes(), arbitrary_list()});
  r.dht = maybe_bytes();
  r.pubsub = maybe_bytes();
  r.peer_store = maybe_bytes();
  auto decoded = decode_response(encode(r));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == r);
}

RC_GTEST_PROP(FrameReader, AnyChunking, ()) {
  std::vector<Bytes> bodies(*rc::gen::inRange<std::size_t>(1, 5));
  Bytes stream;
  for (auto& body : bodies) {
    body = *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 300),
                                      rc::gen::arbitrary<std::uint8_t>());
    append(stream, frame(body));
  }
  FrameReader reader;
  std::vector<Bytes> out;
  for (std::size_t pos = 0; pos < stream.size();) {
    auto n = *rc::gen::inRange<std::size_t>(1, stream.size() - pos + 1);
    RC_ASSERT(reader.feed(ByteView(stream).subspan(pos, n)).has_value());
    pos += n;
    for (;;) {
      auto next = reader.next();
      RC_ASSERT(next.has_value());
      if (!*next) break;
      out.push_back(std::move(**next));
    }
  }
  RC_ASSERT(out == bodies);
  RC_ASSERT(!reader.in_message());
}

}  // namespace
}  // namespace meshchat::p2pd
