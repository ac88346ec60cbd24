#include "p2p/yamux/frame.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat::p2p::yamux {
namespace {

Result<Header> decode_hex(std::string_view hex) {
  Bytes b = *from_hex(hex);
  return decode(std::span<const std::uint8_t, kHeaderSize>(b.data(), kHeaderSize));
}

// Constants pinned against the spec's tables (go-yamux const_test.go does the same).
TEST(YamuxFrame, Constants) {
  EXPECT_EQ(kHeaderSize, 12u);
  EXPECT_EQ(kVersion, 0);
  EXPECT_EQ(static_cast<int>(Type::data), 0);
  EXPECT_EQ(static_cast<int>(Type::window_update), 1);
  EXPECT_EQ(static_cast<int>(Type::ping), 2);
  EXPECT_EQ(static_cast<int>(Type::go_away), 3);
  EXPECT_EQ(Flags::kSyn, 1);
  EXPECT_EQ(Flags::kAck, 2);
  EXPECT_EQ(Flags::kFin, 4);
  EXPECT_EQ(Flags::kRst, 8);
  EXPECT_EQ(static_cast<std::uint32_t>(GoAwayCode::normal), 0u);
  EXPECT_EQ(static_cast<std::uint32_t>(GoAwayCode::protocol_error), 1u);
  EXPECT_EQ(static_cast<std::uint32_t>(GoAwayCode::internal_error), 2u);
  EXPECT_EQ(kInitialWindow, 262144u);
}

// Byte layouts written out from the spec's "Framing" section: version, type, flags (16),
// stream id (32), length (32), all big endian.
TEST(YamuxFrame, Vectors) {
  struct Case {
    Header header;
    const char* hex;
  } cases[] = {
      {{Type::window_update, kSyn, StreamId{1}, 0}, "000100010000000100000000"},
      {{Type::window_update, kAck, StreamId{2}, 0x000c0000}, "0001000200000002000c0000"},
      {{Type::data, kNoFlags, StreamId{3}, 5}, "000000000000000300000005"},
      {{Type::data, kFin | kAck, StreamId{0x01020304}, 0}, "000000060102030400000000"},
      {{Type::window_update, kRst, StreamId{7}, 0}, "000100080000000700000000"},
      {{Type::ping, kSyn, kSessionStream, 0x2a}, "00020001000000000000002a"},
      {{Type::ping, kAck, kSessionStream, 0xdeadbeef}, "0002000200000000deadbeef"},
      {{Type::go_away, kNoFlags, kSessionStream, 1}, "000300000000000000000001"},
      {{Type::data, Flags{0xffff}, StreamId{0xffffffff}, 0xffffffff}, "0000ffffffffffffffffffff"},
  };
  for (const auto& c : cases) {
    auto bytes = encode(c.header);
    EXPECT_EQ(to_hex(bytes), c.hex);
    Bytes appended{0x99};
    encode(c.header, appended);
    EXPECT_EQ(to_hex(appended), std::string("99") + c.hex);
    auto decoded = decode_hex(c.hex);
    ASSERT_TRUE(decoded) << c.hex;
    EXPECT_EQ(*decoded, c.header);
  }
}

TEST(YamuxFrame, RejectsBadVersionAndType) {
  EXPECT_EQ(decode_hex("010000000000000100000000").error(), Error::bad_version);
  EXPECT_EQ(decode_hex("ff0000000000000100000000").error(), Error::bad_version);
  EXPECT_EQ(decode_hex("000400000000000100000000").error(), Error::bad_type);
  EXPECT_EQ(decode_hex("00ff00000000000100000000").error(), Error::bad_type);
  // The version is judged first.
  EXPECT_EQ(decode_hex("01ff00000000000100000000").error(), Error::bad_version);
}

TEST(YamuxFrame, ErrorMessages) {
  std::error_code ec = Error::window_exceeded;
  EXPECT_EQ(ec.category().name(), std::string("yamux"));
  EXPECT_NE(ec.message().find("window"), std::string::npos);
}

RC_GTEST_PROP(YamuxFrame, RoundTrip, ()) {
  Header h{static_cast<Type>(*rc::gen::inRange(0, 4)), Flags{*rc::gen::arbitrary<std::uint16_t>()},
           StreamId{*rc::gen::arbitrary<std::uint32_t>()}, *rc::gen::arbitrary<std::uint32_t>()};
  auto bytes = encode(h);
  auto decoded = decode(bytes);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == h);
}

// Any 12 bytes either fail with a documented error or re-encode to exactly themselves.
RC_GTEST_PROP(YamuxFrame, DecodeIsLossless, (std::array<std::uint8_t, kHeaderSize> bytes)) {
  auto decoded = decode(bytes);
  if (!decoded) {
    RC_ASSERT(decoded.error() == Error::bad_version || decoded.error() == Error::bad_type);
    RC_ASSERT((bytes[0] != 0 || bytes[1] > 3));
  } else {
    RC_ASSERT(encode(*decoded) == bytes);
  }
}

}  // namespace
}  // namespace meshchat::p2p::yamux
