// /meshchat/msg/1.0.0 frames: hand-computed byte vectors, every decode error, limit edges, the
// error category, and a RapidCheck round trip.
#include "chat/wire/msg_frame.hpp"

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

Bytes filled(std::size_t size, std::uint8_t value) {
  return Bytes(size, value);
}

// A Receipt message body from raw parts, wrapped as MsgFrame field 2.
Bytes receipt_frame(ByteView receipt) {
  protobuf::Writer out;
  out.bytes_field(2, receipt);
  return out.take();
}

std::error_code decode_error(ByteView body) {
  auto decoded = decode_msg_frame(body);
  if (decoded) return {};
  return decoded.error();
}

TEST(MsgFrame, ConstantsArePinned) {
  EXPECT_EQ(kMsgProtocol, "/meshchat/msg/1.0.0");
  EXPECT_EQ(kMaxMsgFrameBytes, 66 * 1024 + 64);
  EXPECT_EQ(kMaxReceiptIds, 1024u);
  EXPECT_EQ(static_cast<std::uint32_t>(ReceiptKind::delivered), 1u);
  EXPECT_EQ(static_cast<std::uint32_t>(ReceiptKind::read), 2u);
}

TEST(MsgFrame, ErrorCategory) {
  std::error_code e = WireError::too_large;
  EXPECT_STREQ(e.category().name(), "chat wire");
  EXPECT_EQ(e.value(), 2);
  EXPECT_EQ(std::error_code(WireError::malformed).value(), 1);
  EXPECT_EQ(std::error_code(WireError::bad_value).value(), 3);
  EXPECT_EQ(std::error_code(WireError::bad_value).message(), "chat frame field value out of range");
}

TEST(MsgFrame, EnvelopeBytes) {
  Bytes expected = hex("0a03010203");
  EXPECT_EQ(encode(EnvelopeFrame{hex("010203")}), expected);
  auto decoded = decode_msg_frame(expected);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<EnvelopeFrame>(*decoded).envelope, hex("010203"));
}

TEST(MsgFrame, ReceiptBytes) {
  // MsgFrame.receipt (field 2, 36 bytes): kind = 2, then one 32-byte id.
  Bytes expected = cat({hex("1224"
                            "0802"
                            "1220"),
                        filled(32, 0xaa)});
  ReceiptFrame receipt{ReceiptKind::read, {id_of(0xaa)}};
  EXPECT_EQ(encode(receipt), expected);
  auto decoded = decode_msg_frame(expected);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<ReceiptFrame>(*decoded), receipt);
}

TEST(MsgFrame, ReceiptWithSeveralIdsKeepsOrder) {
  ReceiptFrame receipt{ReceiptKind::delivered, {id_of(3), id_of(1), id_of(2)}};
  Bytes body = encode(receipt);
  EXPECT_EQ(body.size(), 2 + 2 + 3 * 34u);
  auto decoded = decode_msg_frame(body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<ReceiptFrame>(*decoded), receipt);
}

TEST(MsgFrame, ReceiptFieldsInAnyOrder) {
  // ids before kind: protobuf allows any field order.
  Bytes receipt = cat({hex("1220"), filled(32, 1), hex("0801")});
  auto decoded = decode_msg_frame(receipt_frame(receipt));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<ReceiptFrame>(*decoded), (ReceiptFrame{ReceiptKind::delivered, {id_of(1)}}));
}

TEST(MsgFrame, OneofMustHoldExactlyOneKind) {
  EXPECT_EQ(decode_error({}), WireError::malformed);
  Bytes both = cat({hex("0a0101"), receipt_frame(cat({hex("0801"
                                                          "1220"),
                                                      filled(32, 1)}))});
  EXPECT_EQ(decode_error(both), WireError::malformed);
  EXPECT_EQ(decode_error(hex("0a0101"
                             "0a0102")),
            WireError::malformed);  // envelope twice
  Bytes receipt = receipt_frame(cat({hex("0801"
                                         "1220"),
                                     filled(32, 1)}));
  EXPECT_EQ(decode_error(cat({receipt, receipt})), WireError::malformed);
}

TEST(MsgFrame, RefusesBadStructure) {
  EXPECT_EQ(decode_error(hex("1a0101")), WireError::malformed);    // unknown field 3
  EXPECT_EQ(decode_error(hex("0801")), WireError::malformed);      // envelope as varint
  EXPECT_EQ(decode_error(hex("1001")), WireError::malformed);      // receipt as varint
  EXPECT_EQ(decode_error(hex("0a0501")), WireError::malformed);    // truncated
  EXPECT_EQ(decode_error(hex("0a")), WireError::malformed);        // tag only
  EXPECT_EQ(decode_error(hex("0a00")), WireError::malformed);      // empty envelope
  EXPECT_EQ(decode_error(hex("0b")), WireError::malformed);        // group wire type
  EXPECT_EQ(decode_error(hex("0201")), WireError::malformed);      // field number 0
  EXPECT_EQ(decode_error(hex("0a01010a")), WireError::malformed);  // trailing garbage
}

TEST(MsgFrame, RefusesBadReceipts) {
  Bytes id = cat({hex("1220"), filled(32, 1)});
  auto receipt_error = [](ByteView receipt) { return decode_error(receipt_frame(receipt)); };
  EXPECT_EQ(receipt_error(hex("0801")), WireError::malformed);                     // no ids
  EXPECT_EQ(receipt_error(id), WireError::bad_value);                              // no kind
  EXPECT_EQ(receipt_error(cat({hex("0800"), id})), WireError::bad_value);          // kind 0
  EXPECT_EQ(receipt_error(cat({hex("0803"), id})), WireError::bad_value);          // kind 3
  EXPECT_EQ(receipt_error(cat({hex("088180808010"), id})), WireError::bad_value);  // 2^32 + 1
  EXPECT_EQ(receipt_error(cat({hex("0801"
                                   "0801"),
                               id})),
            WireError::malformed);                                           // kind twice
  EXPECT_EQ(receipt_error(cat({hex("0a0101"), id})), WireError::malformed);  // kind as bytes
  EXPECT_EQ(receipt_error(cat({hex("0801"
                                   "1001")})),
            WireError::malformed);  // id as varint
  EXPECT_EQ(receipt_error(cat({hex("0801"
                                   "121f"),
                               filled(31, 1)})),
            WireError::malformed);
  EXPECT_EQ(receipt_error(cat({hex("0801"
                                   "1221"),
                               filled(33, 1)})),
            WireError::malformed);
  EXPECT_EQ(receipt_error(cat({hex("0801"), id, hex("1801")})), WireError::malformed);  // field 3
  EXPECT_EQ(receipt_error(cat({hex("0801"), id, hex("12")})), WireError::malformed);    // truncated
}

TEST(MsgFrame, ReceiptIdLimit) {
  std::vector<MessageId> ids(kMaxReceiptIds, id_of(9));
  Bytes at_limit = encode(ReceiptFrame{ReceiptKind::delivered, ids});
  ASSERT_LE(at_limit.size(), kMaxMsgFrameBytes);
  auto decoded = decode_msg_frame(at_limit);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(std::get<ReceiptFrame>(*decoded).ids.size(), kMaxReceiptIds);

  protobuf::Writer receipt;
  receipt.varint_field(1, 1);
  for (std::size_t i = 0; i <= kMaxReceiptIds; ++i) receipt.bytes_field(2, id_of(9));
  EXPECT_EQ(decode_error(receipt_frame(receipt.bytes())), WireError::too_large);
}

TEST(MsgFrame, EnvelopeSizeLimit) {
  Bytes at_limit = encode(EnvelopeFrame{filled(kMaxEnvelopeBytes, 7)});
  EXPECT_EQ(at_limit.size(), kMaxEnvelopeBytes + 4);  // tag, 3-byte length
  auto decoded = decode_msg_frame(at_limit);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<EnvelopeFrame>(*decoded).envelope.size(), kMaxEnvelopeBytes);

  protobuf::Writer above;
  above.bytes_field(1, filled(kMaxEnvelopeBytes + 1, 7));
  ASSERT_LE(above.bytes().size(), kMaxMsgFrameBytes);
  EXPECT_EQ(decode_error(above.bytes()), WireError::too_large);
}

TEST(MsgFrame, BodySizeLimit) {
  // Garbage at the limit is judged by its content; one byte more is refused before parsing.
  EXPECT_EQ(decode_error(filled(kMaxMsgFrameBytes, 0xff)), WireError::malformed);
  EXPECT_EQ(decode_error(filled(kMaxMsgFrameBytes + 1, 0xff)), WireError::too_large);
}

TEST(MsgFrame, EncodeRefusesInvalidFrames) {
  EXPECT_THROW(encode(EnvelopeFrame{}), std::invalid_argument);
  EXPECT_THROW(encode(EnvelopeFrame{filled(kMaxEnvelopeBytes + 1, 1)}), std::invalid_argument);
  EXPECT_THROW(encode(ReceiptFrame{ReceiptKind::read, {}}), std::invalid_argument);
  EXPECT_THROW(
      encode(ReceiptFrame{ReceiptKind::read, std::vector<MessageId>(kMaxReceiptIds + 1, id_of(1))}),
      std::invalid_argument);
  EXPECT_THROW(encode(ReceiptFrame{static_cast<ReceiptKind>(3), {id_of(1)}}),
               std::invalid_argument);
}

rc::Gen<MsgFrame> arbitrary_msg_frame() {
  auto envelope =
      rc::gen::map(rc::gen::nonEmpty(rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>())),
                   [](Bytes bytes) { return MsgFrame(EnvelopeFrame{std::move(bytes)}); });
  auto receipt = rc::gen::map(
      rc::gen::pair(
          rc::gen::element(ReceiptKind::delivered, ReceiptKind::read),
          rc::gen::resize(50, rc::gen::nonEmpty(rc::gen::container<std::vector<MessageId>>(
                                  rc::gen::arbitrary<MessageId>())))),
      [](std::pair<ReceiptKind, std::vector<MessageId>> parts) {
        return MsgFrame(ReceiptFrame{parts.first, std::move(parts.second)});
      });
  return rc::gen::oneOf(envelope, receipt);
}

RC_GTEST_PROP(MsgFrame, RoundTrips, ()) {
  MsgFrame frame = *arbitrary_msg_frame();
  Bytes body = encode(frame);
  RC_ASSERT(body.size() <= kMaxMsgFrameBytes);
  auto decoded = decode_msg_frame(body);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == frame);
  RC_ASSERT(encode(*decoded) == body);
}

}  // namespace
}  // namespace meshchat::chat::wire
