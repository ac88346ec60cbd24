// NoiseHandshakePayload encoding: byte layout, round trips, unknown fields and limits.
#include "p2p/noise/payload.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/protobuf.hpp"
#include "p2p/noise/error.hpp"
#include "p2p/noise/handshake_state.hpp"

namespace meshchat::p2p::noise {
namespace {

TEST(NoisePayload, EncodesFieldsInOrder) {
  HandshakePayload p{Bytes{0x01, 0x02}, Bytes{0x03}, NoiseExtensions{{Bytes{0x04}}, {"/yamux"}}};
  // 0a 02 0102 | 12 01 03 | 22 0b (0a 01 04 | 12 06 "/yamux")
  EXPECT_EQ(to_hex(encode_payload(p)),
            "0a02010212010322"
            "0b0a010412062f79616d7578");
  EXPECT_EQ(*decode_payload(encode_payload(p)), p);
}

TEST(NoisePayload, EmptyAndAbsent) {
  EXPECT_TRUE(encode_payload({}).empty());
  auto empty = decode_payload({});
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, HandshakePayload{});
  HandshakePayload with_empty_extensions{std::nullopt, std::nullopt, NoiseExtensions{}};
  EXPECT_EQ(to_hex(encode_payload(with_empty_extensions)), "2200");
  EXPECT_EQ(*decode_payload(encode_payload(with_empty_extensions)), with_empty_extensions);
}

TEST(NoisePayload, SkipsUnknownFieldsAndMergesExtensions) {
  protobuf::Writer ext1, ext2, w;
  ext1.string_field(2, "/yamux/1.0.0");
  ext1.varint_field(9, 5);  // unknown inside extensions
  ext2.string_field(2, "/mplex/6.7.0");
  w.bytes_field(3, as_bytes("legacy data field"));  // removed from the spec; unknown now
  w.bytes_field(4, ext1.bytes());
  w.varint_field(1000, 1);
  w.bytes_field(1, Bytes{0xaa});
  w.bytes_field(1, Bytes{0xbb});  // last one wins
  w.bytes_field(4, ext2.bytes());
  auto p = decode_payload(w.bytes());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->identity_key, Bytes{0xbb});
  EXPECT_EQ(p->identity_sig, std::nullopt);
  ASSERT_TRUE(p->extensions);
  EXPECT_EQ(p->extensions->stream_muxers,
            (std::vector<std::string>{"/yamux/1.0.0", "/mplex/6.7.0"}));
}

TEST(NoisePayload, RejectsWrongWireTypes) {
  for (std::uint32_t field : {1u, 2u, 4u}) {
    protobuf::Writer w;
    w.varint_field(field, 1);
    EXPECT_EQ(decode_payload(w.bytes()).error(), Error::bad_payload) << field;
  }
  protobuf::Writer ext, w;
  ext.varint_field(2, 1);
  w.bytes_field(4, ext.bytes());
  EXPECT_EQ(decode_payload(w.bytes()).error(), Error::bad_payload);
}

TEST(NoisePayload, RejectsTruncation) {
  Bytes encoded = encode_payload({Bytes(10, 1), Bytes(5, 2), NoiseExtensions{{}, {"/yamux"}}});
  for (std::size_t n = 1; n < encoded.size(); ++n) {
    auto r = decode_payload(ByteView(encoded).first(n));
    // Some prefixes end exactly at a field boundary and are valid shorter payloads.
    if (!r) {
      EXPECT_EQ(r.error(), Error::bad_payload);
    }
  }
  EXPECT_EQ(decode_payload(ByteView(encoded).first(encoded.size() - 1)).error(),
            Error::bad_payload);
}

TEST(NoisePayload, Limits) {
  NoiseExtensions many_muxers;
  many_muxers.stream_muxers.assign(kMaxStreamMuxers, "/m");
  EXPECT_TRUE(decode_payload(encode_payload({std::nullopt, std::nullopt, many_muxers})));
  many_muxers.stream_muxers.push_back("/m");
  EXPECT_EQ(decode_payload(encode_payload({std::nullopt, std::nullopt, many_muxers})).error(),
            Error::bad_payload);

  NoiseExtensions long_muxer{{}, {std::string(kMaxStreamMuxerBytes, 'x')}};
  EXPECT_TRUE(decode_payload(encode_payload({std::nullopt, std::nullopt, long_muxer})));
  long_muxer.stream_muxers[0].push_back('x');
  EXPECT_FALSE(decode_payload(encode_payload({std::nullopt, std::nullopt, long_muxer})));

  NoiseExtensions hashes;
  hashes.webtransport_certhashes.assign(kMaxCerthashes, Bytes(kMaxCerthashBytes, 1));
  EXPECT_TRUE(decode_payload(encode_payload({std::nullopt, std::nullopt, hashes})));
  hashes.webtransport_certhashes.push_back(Bytes(1, 1));
  EXPECT_FALSE(decode_payload(encode_payload({std::nullopt, std::nullopt, hashes})));
  hashes.webtransport_certhashes.assign(1, Bytes(kMaxCerthashBytes + 1, 1));
  EXPECT_FALSE(decode_payload(encode_payload({std::nullopt, std::nullopt, hashes})));

  EXPECT_TRUE(decode_payload(encode_payload({std::nullopt, Bytes(kMaxIdentitySigBytes, 1), {}})));
  EXPECT_FALSE(
      decode_payload(encode_payload({std::nullopt, Bytes(kMaxIdentitySigBytes + 1, 1), {}})));
  EXPECT_FALSE(decode_payload(Bytes(kMaxMessageSize + 1, 0)));
}

RC_GTEST_PROP(NoisePayload, RoundTrip, ()) {
  HandshakePayload p;
  if (*rc::gen::arbitrary<bool>()) {
    p.identity_key = *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 100),
                                                rc::gen::arbitrary<std::uint8_t>());
  }
  if (*rc::gen::arbitrary<bool>()) {
    p.identity_sig = *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 100),
                                                rc::gen::arbitrary<std::uint8_t>());
  }
  if (*rc::gen::arbitrary<bool>()) {
    NoiseExtensions ext;
    ext.webtransport_certhashes = *rc::gen::container<std::vector<Bytes>>(
        *rc::gen::inRange<std::size_t>(0, kMaxCerthashes + 1),
        rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, kMaxCerthashBytes + 1),
                                  rc::gen::arbitrary<std::uint8_t>()));
    ext.stream_muxers = *rc::gen::container<std::vector<std::string>>(
        *rc::gen::inRange<std::size_t>(0, 8), rc::gen::arbitrary<std::string>());
    p.extensions = ext;
  }
  auto decoded = decode_payload(encode_payload(p));
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == p);
}

}  // namespace
}  // namespace meshchat::p2p::noise
