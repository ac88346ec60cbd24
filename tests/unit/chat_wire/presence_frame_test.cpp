// /meshchat/presence/1.0.0 frames: hand-computed byte vectors, every decode error, limit edges,
// and a RapidCheck round trip.
#include "chat/wire/presence_frame.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "core/protobuf.hpp"
#include "test_bytes.hpp"

namespace meshchat::chat::wire {
namespace {

using testing::cat;
using testing::hex;
using testing::id_of;

Bytes typing_frame(ByteView typing) {
  protobuf::Writer out;
  out.bytes_field(2, typing);
  return out.take();
}

std::error_code decode_error(ByteView body) {
  auto decoded = decode_presence_frame(body);
  if (decoded) return {};
  return decoded.error();
}

TEST(PresenceFrame, ConstantsArePinned) {
  EXPECT_EQ(kPresenceProtocol, "/meshchat/presence/1.0.0");
  EXPECT_EQ(kMaxPresenceFrameBytes, 256u);
  EXPECT_EQ(static_cast<std::uint32_t>(PresenceStatus::online), 1u);
  EXPECT_EQ(static_cast<std::uint32_t>(PresenceStatus::away), 2u);
  EXPECT_EQ(static_cast<std::uint32_t>(PresenceStatus::offline), 3u);
}

TEST(PresenceFrame, StatusBytes) {
  EXPECT_EQ(encode(StatusFrame{PresenceStatus::away}), hex("0802"));
  for (auto status : {PresenceStatus::online, PresenceStatus::away, PresenceStatus::offline}) {
    Bytes body = hex("08");
    body.push_back(static_cast<std::uint8_t>(status));
    auto decoded = decode_presence_frame(body);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(std::get<StatusFrame>(*decoded).status, status);
  }
}

TEST(PresenceFrame, TypingBytes) {
  // Typing (field 2, 36 bytes): the conversation, then active = 1.
  Bytes active = cat({hex("1224"
                          "0a20"),
                      Bytes(32, 0x5c), hex("1001")});
  TypingFrame typing{id_of(0x5c), true};
  EXPECT_EQ(encode(typing), active);
  auto decoded = decode_presence_frame(active);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<TypingFrame>(*decoded), typing);

  // Stopped: active = false is the proto3 default and is omitted.
  Bytes stopped = cat({hex("1222"
                           "0a20"),
                       Bytes(32, 0x5c)});
  EXPECT_EQ(encode(TypingFrame{id_of(0x5c), false}), stopped);
  decoded = decode_presence_frame(stopped);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<TypingFrame>(*decoded), (TypingFrame{id_of(0x5c), false}));
}

TEST(PresenceFrame, TypingAcceptsExplicitFalseAndAnyFieldOrder) {
  auto decoded = decode_presence_frame(typing_frame(cat({hex("1000"
                                                             "0a20"),
                                                         Bytes(32, 1)})));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<TypingFrame>(*decoded), (TypingFrame{id_of(1), false}));
}

TEST(PresenceFrame, RefusesBadStatus) {
  EXPECT_EQ(decode_error(hex("0800")), WireError::bad_value);
  EXPECT_EQ(decode_error(hex("0804")), WireError::bad_value);
  EXPECT_EQ(decode_error(hex("08ffffffffffffffffff01")), WireError::bad_value);  // 2^64 - 1
  EXPECT_EQ(decode_error(hex("0a0101")), WireError::malformed);                  // as bytes
  EXPECT_EQ(decode_error(hex("0801"
                             "0801")),
            WireError::malformed);  // twice
}

TEST(PresenceFrame, RefusesBadStructure) {
  Bytes typing = typing_frame(cat({hex("0a20"), Bytes(32, 1)}));
  EXPECT_EQ(decode_error({}), WireError::malformed);                          // no kind
  EXPECT_EQ(decode_error(cat({hex("0801"), typing})), WireError::malformed);  // both kinds
  EXPECT_EQ(decode_error(cat({typing, typing})), WireError::malformed);       // typing twice
  EXPECT_EQ(decode_error(hex("1801")), WireError::malformed);                 // unknown field 3
  EXPECT_EQ(decode_error(hex("1001")), WireError::malformed);                 // typing as varint
  EXPECT_EQ(decode_error(hex("08")), WireError::malformed);                   // truncated
  EXPECT_EQ(decode_error(hex("0d01000000")), WireError::malformed);           // fixed32 status
}

TEST(PresenceFrame, RefusesBadTyping) {
  Bytes conversation = cat({hex("0a20"), Bytes(32, 1)});
  auto typing_error = [](ByteView typing) { return decode_error(typing_frame(typing)); };
  EXPECT_EQ(typing_error({}), WireError::malformed);                                 // no id
  EXPECT_EQ(typing_error(hex("1001")), WireError::malformed);                        // no id
  EXPECT_EQ(typing_error(cat({hex("0a1f"), Bytes(31, 1)})), WireError::malformed);   // 31 bytes
  EXPECT_EQ(typing_error(cat({hex("0a21"), Bytes(33, 1)})), WireError::malformed);   // 33 bytes
  EXPECT_EQ(typing_error(cat({conversation, conversation})), WireError::malformed);  // twice
  EXPECT_EQ(typing_error(cat({conversation, hex("1002")})), WireError::bad_value);   // active 2
  EXPECT_EQ(typing_error(cat({conversation, hex("1001"
                                                "1001")})),
            WireError::malformed);
  EXPECT_EQ(typing_error(cat({conversation, hex("120101")})), WireError::malformed);  // as bytes
  EXPECT_EQ(typing_error(cat({conversation, hex("1801")})), WireError::malformed);    // field 3
}

TEST(PresenceFrame, BodySizeLimit) {
  EXPECT_EQ(decode_error(Bytes(kMaxPresenceFrameBytes, 0xff)), WireError::malformed);
  EXPECT_EQ(decode_error(Bytes(kMaxPresenceFrameBytes + 1, 0xff)), WireError::too_large);
  // A valid frame padded to exactly the limit with an unknown field is still refused as
  // malformed, not too_large.
  protobuf::Writer padded;
  padded.varint_field(1, 1);
  padded.bytes_field(9, Bytes(kMaxPresenceFrameBytes - 2 - 3, 0));
  ASSERT_EQ(padded.bytes().size(), kMaxPresenceFrameBytes);
  EXPECT_EQ(decode_error(padded.bytes()), WireError::malformed);
}

TEST(PresenceFrame, EncodeRefusesInvalidStatus) {
  EXPECT_THROW(encode(StatusFrame{static_cast<PresenceStatus>(0)}), std::invalid_argument);
  EXPECT_THROW(encode(StatusFrame{static_cast<PresenceStatus>(4)}), std::invalid_argument);
}

rc::Gen<PresenceFrame> arbitrary_presence_frame() {
  auto status = rc::gen::map(
      rc::gen::element(PresenceStatus::online, PresenceStatus::away, PresenceStatus::offline),
      [](PresenceStatus s) { return PresenceFrame(StatusFrame{s}); });
  auto typing =
      rc::gen::map(rc::gen::pair(rc::gen::arbitrary<ConversationId>(), rc::gen::arbitrary<bool>()),
                   [](std::pair<ConversationId, bool> parts) {
                     return PresenceFrame(TypingFrame{parts.first, parts.second});
                   });
  return rc::gen::oneOf(status, typing);
}

RC_GTEST_PROP(PresenceFrame, RoundTrips, ()) {
  PresenceFrame frame = *arbitrary_presence_frame();
  Bytes body = encode(frame);
  RC_ASSERT(body.size() <= kMaxPresenceFrameBytes);
  auto decoded = decode_presence_frame(body);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == frame);
}

}  // namespace
}  // namespace meshchat::chat::wire
