// /meshchat/sync/1.0.0 frames: hand-computed byte vectors for every kind, every decode error,
// limit edges, and a RapidCheck round trip. pack_* are in pack_test.cpp.
#include "chat/wire/sync_frame.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <stdexcept>

#include "core/protobuf.hpp"
#include "test_bytes.hpp"

namespace meshchat::chat::wire {
namespace {

using testing::cat;
using testing::hex;
using testing::id_of;

// `member` as SyncFrame field `number`.
Bytes member(std::uint32_t number, ByteView body) {
  protobuf::Writer out;
  out.bytes_field(number, body);
  return out.take();
}

std::error_code decode_error(ByteView body) {
  auto decoded = decode_sync_frame(body);
  if (decoded) return {};
  return decoded.error();
}

template <class Frame>
Frame decode_as(ByteView body) {
  auto decoded = decode_sync_frame(body);
  if (!decoded) throw std::runtime_error("decode failed: " + decoded.error().message());
  return std::get<Frame>(*decoded);
}

TEST(SyncFrame, ConstantsArePinned) {
  EXPECT_EQ(kSyncProtocol, "/meshchat/sync/1.0.0");
  EXPECT_EQ(kMaxSyncFrameBytes, 1048576u);
  EXPECT_EQ(kMaxWantIds, 4096u);
  EXPECT_EQ(kMaxReceiptEntries, 4096u);
  EXPECT_EQ(kMaxEnvelopesPerFrame, 8192u);
  EXPECT_EQ(kMaxNegentropyMessageBytes, kMaxSyncFrameBytes - 64);
}

TEST(SyncFrame, ReconcileBytes) {
  Bytes expected = cat({hex("0a25"
                            "0a20"),
                        Bytes(32, 0x11),
                        hex("1201"
                            "61")});
  ReconcileFrame frame{id_of(0x11), hex("61")};
  EXPECT_EQ(encode(frame), expected);
  EXPECT_EQ(decode_as<ReconcileFrame>(expected), frame);
}

TEST(SyncFrame, WantBytes) {
  Bytes expected = cat({hex("1222"
                            "0a20"),
                        Bytes(32, 0x22)});
  WantFrame frame{{id_of(0x22)}};
  EXPECT_EQ(encode(frame), expected);
  EXPECT_EQ(decode_as<WantFrame>(expected), frame);
}

TEST(SyncFrame, EnvelopesBytes) {
  Bytes expected =
      hex("1a07"
          "0a020102"
          "0a0103");
  EnvelopesFrame frame{{hex("0102"), hex("03")}};
  EXPECT_EQ(encode(frame), expected);
  EXPECT_EQ(decode_as<EnvelopesFrame>(expected), frame);
}

TEST(SyncFrame, ReceiptsBytes) {
  // Receipts (38 bytes): one Entry (36 bytes) of id and kind = delivered.
  Bytes expected = cat({hex("2226"
                            "0a24"
                            "0a20"),
                        Bytes(32, 0x33), hex("1001")});
  ReceiptsFrame frame{{{id_of(0x33), ReceiptKind::delivered}}};
  EXPECT_EQ(encode(frame), expected);
  EXPECT_EQ(decode_as<ReceiptsFrame>(expected), frame);

  EXPECT_EQ(encode(ReceiptsFrame{}), hex("2200"));
  EXPECT_EQ(decode_as<ReceiptsFrame>(hex("2200")), ReceiptsFrame{});
}

TEST(SyncFrame, DoneBytes) {
  EXPECT_EQ(encode(DoneFrame{}), hex("2a00"));
  EXPECT_EQ(decode_as<DoneFrame>(hex("2a00")), DoneFrame{});
  DoneFrame frame{3, 300};
  EXPECT_EQ(encode(frame), hex("2a05"
                               "0803"
                               "10ac02"));
  EXPECT_EQ(decode_as<DoneFrame>(hex("2a05"
                                     "0803"
                                     "10ac02")),
            frame);
  // Explicit zeros, a lone field, and the largest totals.
  EXPECT_EQ(decode_as<DoneFrame>(hex("2a04"
                                     "0800"
                                     "1000")),
            DoneFrame{});
  EXPECT_EQ(decode_as<DoneFrame>(hex("2a02"
                                     "1007")),
            (DoneFrame{0, 7}));
  DoneFrame largest{std::numeric_limits<std::uint64_t>::max(),
                    std::numeric_limits<std::uint64_t>::max()};
  EXPECT_EQ(decode_as<DoneFrame>(encode(largest)), largest);
}

TEST(SyncFrame, OneofMustHoldExactlyOneKind) {
  Bytes done = hex("2a00");
  Bytes receipts = hex("2200");
  EXPECT_EQ(decode_error({}), WireError::malformed);
  EXPECT_EQ(decode_error(cat({done, done})), WireError::malformed);
  EXPECT_EQ(decode_error(cat({receipts, done})), WireError::malformed);
  EXPECT_EQ(decode_error(hex("3200")), WireError::malformed);  // field 6
  EXPECT_EQ(decode_error(hex("2800")), WireError::malformed);  // done as varint
  EXPECT_EQ(decode_error(hex("0200")), WireError::malformed);  // field 0
  EXPECT_EQ(decode_error(hex("2a")), WireError::malformed);    // truncated
  EXPECT_EQ(decode_error(hex("2a01")), WireError::malformed);  // truncated
}

TEST(SyncFrame, RefusesBadReconcile) {
  Bytes conversation = cat({hex("0a20"), Bytes(32, 1)});
  Bytes negentropy = hex("120161");
  auto reconcile_error = [](ByteView body) { return decode_error(member(1, body)); };
  EXPECT_TRUE(decode_sync_frame(member(1, cat({negentropy, conversation}))));  // any order
  EXPECT_EQ(reconcile_error(negentropy), WireError::malformed);                // no conversation
  EXPECT_EQ(reconcile_error(conversation), WireError::malformed);              // no negentropy
  EXPECT_EQ(reconcile_error(cat({conversation, hex("1200")})), WireError::malformed);  // empty
  EXPECT_EQ(reconcile_error(cat({hex("0a1f"), Bytes(31, 1), negentropy})), WireError::malformed);
  EXPECT_EQ(reconcile_error(cat({hex("0a21"), Bytes(33, 1), negentropy})), WireError::malformed);
  EXPECT_EQ(reconcile_error(cat({conversation, conversation, negentropy})), WireError::malformed);
  EXPECT_EQ(reconcile_error(cat({conversation, negentropy, negentropy})), WireError::malformed);
  EXPECT_EQ(reconcile_error(cat({conversation, hex("1061")})), WireError::malformed);  // varint
  EXPECT_EQ(reconcile_error(cat({conversation, negentropy, hex("1801")})), WireError::malformed);
}

TEST(SyncFrame, RefusesBadWant) {
  Bytes id = cat({hex("0a20"), Bytes(32, 1)});
  auto want_error = [](ByteView body) { return decode_error(member(2, body)); };
  EXPECT_EQ(want_error({}), WireError::malformed);                                    // no ids
  EXPECT_EQ(want_error(cat({hex("0a1f"), Bytes(31, 1)})), WireError::malformed);      // 31 bytes
  EXPECT_EQ(want_error(cat({hex("0a21"), Bytes(33, 1)})), WireError::malformed);      // 33 bytes
  EXPECT_EQ(want_error(hex("0801")), WireError::malformed);                           // varint
  EXPECT_EQ(want_error(cat({id, hex("1220"), Bytes(32, 1)})), WireError::malformed);  // field 2
}

TEST(SyncFrame, WantIdLimit) {
  protobuf::Writer want;
  for (std::size_t i = 0; i < kMaxWantIds; ++i)
    want.bytes_field(1, id_of(static_cast<std::uint8_t>(i)));
  EXPECT_EQ(decode_as<WantFrame>(member(2, want.bytes())).ids.size(), kMaxWantIds);
  want.bytes_field(1, id_of(0));
  EXPECT_EQ(decode_error(member(2, want.bytes())), WireError::too_large);
}

TEST(SyncFrame, RefusesBadEnvelopes) {
  auto envelopes_error = [](ByteView body) { return decode_error(member(3, body)); };
  EXPECT_EQ(envelopes_error({}), WireError::malformed);           // no envelopes
  EXPECT_EQ(envelopes_error(hex("0a00")), WireError::malformed);  // empty envelope
  EXPECT_EQ(envelopes_error(hex("0a0101"
                                "0a00")),
            WireError::malformed);
  EXPECT_EQ(envelopes_error(hex("0801")), WireError::malformed);  // varint
  EXPECT_EQ(envelopes_error(hex("0a0101"
                                "120101")),
            WireError::malformed);  // field 2
}

TEST(SyncFrame, EnvelopeSizeAndCountLimits) {
  protobuf::Writer largest;
  largest.bytes_field(1, Bytes(kMaxEnvelopeBytes, 9));
  EXPECT_EQ(decode_as<EnvelopesFrame>(member(3, largest.bytes())).envelopes[0].size(),
            kMaxEnvelopeBytes);
  protobuf::Writer above;
  above.bytes_field(1, Bytes(kMaxEnvelopeBytes + 1, 9));
  EXPECT_EQ(decode_error(member(3, above.bytes())), WireError::too_large);

  protobuf::Writer many;
  for (std::size_t i = 0; i < kMaxEnvelopesPerFrame; ++i) many.bytes_field(1, hex("01"));
  EXPECT_EQ(decode_as<EnvelopesFrame>(member(3, many.bytes())).envelopes.size(),
            kMaxEnvelopesPerFrame);
  many.bytes_field(1, hex("01"));
  EXPECT_EQ(decode_error(member(3, many.bytes())), WireError::too_large);
}

// An Envelopes frame whose body is exactly `size` bytes: full envelopes, then one of the rest
// (sizes near kMaxSyncFrameBytes, where every length takes 3 bytes).
Bytes envelopes_frame_of_size(std::size_t size) {
  std::size_t member_size = size - 1 - 3;
  constexpr std::size_t kEntry = 1 + 3 + kMaxEnvelopeBytes;
  std::size_t full = member_size / kEntry;
  std::size_t last = member_size - full * kEntry - 1 - 3;
  EnvelopesFrame frame;
  for (std::size_t i = 0; i < full; ++i) frame.envelopes.push_back(Bytes(kMaxEnvelopeBytes, 1));
  frame.envelopes.push_back(Bytes(last, 2));
  Bytes body = encode(frame);
  if (body.size() != size) throw std::logic_error("envelopes_frame_of_size miscounted");
  return body;
}

TEST(SyncFrame, BodySizeLimit) {
  Bytes at_limit = envelopes_frame_of_size(kMaxSyncFrameBytes);
  EXPECT_EQ(decode_as<EnvelopesFrame>(at_limit).envelopes.size(), 16u);
  EXPECT_EQ(decode_error(envelopes_frame_of_size(kMaxSyncFrameBytes + 1)), WireError::too_large);
  EXPECT_EQ(decode_error(Bytes(kMaxSyncFrameBytes + 1, 0)), WireError::too_large);
}

TEST(SyncFrame, RefusesBadReceipts) {
  Bytes id = cat({hex("0a20"), Bytes(32, 1)});
  auto entry_error = [](ByteView entry) { return decode_error(member(4, member(1, entry))); };
  EXPECT_EQ(entry_error(hex("1001")), WireError::malformed);             // no id
  EXPECT_EQ(entry_error(id), WireError::bad_value);                      // no kind
  EXPECT_EQ(entry_error(cat({id, hex("1000")})), WireError::bad_value);  // kind 0
  EXPECT_EQ(entry_error(cat({id, hex("1003")})), WireError::bad_value);  // kind 3
  EXPECT_EQ(entry_error(cat({id, hex("1001"
                                     "1002")})),
            WireError::malformed);                                           // kind twice
  EXPECT_EQ(entry_error(cat({id, id, hex("1001")})), WireError::malformed);  // id twice
  EXPECT_EQ(entry_error(cat({hex("0a1f"), Bytes(31, 1), hex("1001")})), WireError::malformed);
  EXPECT_EQ(entry_error(cat({id, hex("120101")})), WireError::malformed);  // kind bytes
  EXPECT_EQ(entry_error(cat({id, hex("1001"
                                     "1801")})),
            WireError::malformed);                                        // field 3
  EXPECT_EQ(decode_error(member(4, hex("0801"))), WireError::malformed);  // entry as varint
  EXPECT_EQ(decode_error(member(4, hex("1200"))), WireError::malformed);  // field 2
  // Entries in any field order decode.
  auto reversed = decode_as<ReceiptsFrame>(member(4, member(1, cat({hex("1002"), id}))));
  EXPECT_EQ(reversed, (ReceiptsFrame{{{id_of(1), ReceiptKind::read}}}));
}

TEST(SyncFrame, ReceiptEntryLimit) {
  std::vector<ReceiptEntry> entries(kMaxReceiptEntries, ReceiptEntry{id_of(4), ReceiptKind::read});
  Bytes at_limit = encode(ReceiptsFrame{entries});
  EXPECT_EQ(decode_as<ReceiptsFrame>(at_limit).entries.size(), kMaxReceiptEntries);
  protobuf::Writer above;
  protobuf::Writer entry;
  entry.bytes_field(1, id_of(4));
  entry.varint_field(2, 2);
  for (std::size_t i = 0; i <= kMaxReceiptEntries; ++i) above.bytes_field(1, entry.bytes());
  EXPECT_EQ(decode_error(member(4, above.bytes())), WireError::too_large);
}

TEST(SyncFrame, RefusesBadDone) {
  auto done_error = [](ByteView body) { return decode_error(member(5, body)); };
  EXPECT_EQ(done_error(hex("0801"
                           "0801")),
            WireError::malformed);  // items twice
  EXPECT_EQ(done_error(hex("1001"
                           "1001")),
            WireError::malformed);                                               // bytes twice
  EXPECT_EQ(done_error(hex("0a0101")), WireError::malformed);                    // items as bytes
  EXPECT_EQ(done_error(hex("1801")), WireError::malformed);                      // field 3
  EXPECT_EQ(done_error(hex("08ffffffffffffffffffff01")), WireError::malformed);  // 11-byte varint
}

TEST(SyncFrame, EncodeRefusesInvalidFrames) {
  EXPECT_THROW(encode(ReconcileFrame{id_of(1), {}}), std::invalid_argument);
  EXPECT_THROW(encode(WantFrame{}), std::invalid_argument);
  EXPECT_THROW(encode(WantFrame{std::vector<MessageId>(kMaxWantIds + 1, id_of(1))}),
               std::invalid_argument);
  EXPECT_THROW(encode(EnvelopesFrame{}), std::invalid_argument);
  EXPECT_THROW(encode(EnvelopesFrame{{hex("01"), {}}}), std::invalid_argument);
  EXPECT_THROW(encode(EnvelopesFrame{{Bytes(kMaxEnvelopeBytes + 1, 1)}}), std::invalid_argument);
  EXPECT_THROW(encode(EnvelopesFrame{std::vector<Bytes>(kMaxEnvelopesPerFrame + 1, hex("01"))}),
               std::invalid_argument);
  EXPECT_THROW(encode(ReceiptsFrame{std::vector<ReceiptEntry>(kMaxReceiptEntries + 1)}),
               std::invalid_argument);
  EXPECT_THROW(encode(ReceiptsFrame{{{id_of(1), static_cast<ReceiptKind>(0)}}}),
               std::invalid_argument);
}

rc::Gen<Bytes> arbitrary_nonempty_bytes() {
  return rc::gen::nonEmpty(rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()));
}

template <class T>
rc::Gen<std::vector<T>> small_list(rc::Gen<T> element) {
  return rc::gen::resize(40, rc::gen::container<std::vector<T>>(std::move(element)));
}

rc::Gen<SyncFrame> arbitrary_sync_frame() {
  auto kind = rc::gen::element(ReceiptKind::delivered, ReceiptKind::read);
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::pair(rc::gen::arbitrary<ConversationId>(), arbitrary_nonempty_bytes()),
                   [](std::pair<ConversationId, Bytes> p) {
                     return SyncFrame(ReconcileFrame{p.first, std::move(p.second)});
                   }),
      rc::gen::map(rc::gen::nonEmpty(small_list(rc::gen::arbitrary<MessageId>())),
                   [](std::vector<MessageId> ids) { return SyncFrame(WantFrame{std::move(ids)}); }),
      rc::gen::map(rc::gen::nonEmpty(small_list(arbitrary_nonempty_bytes())),
                   [](std::vector<Bytes> e) { return SyncFrame(EnvelopesFrame{std::move(e)}); }),
      rc::gen::map(
          small_list(rc::gen::map(rc::gen::pair(rc::gen::arbitrary<MessageId>(), kind),
                                  [](std::pair<MessageId, ReceiptKind> p) {
                                    return ReceiptEntry{p.first, p.second};
                                  })),
          [](std::vector<ReceiptEntry> e) { return SyncFrame(ReceiptsFrame{std::move(e)}); }),
      rc::gen::map(
          rc::gen::pair(rc::gen::arbitrary<std::uint64_t>(), rc::gen::arbitrary<std::uint64_t>()),
          [](std::pair<std::uint64_t, std::uint64_t> p) {
            return SyncFrame(DoneFrame{p.first, p.second});
          }));
}

RC_GTEST_PROP(SyncFrame, RoundTrips, ()) {
  SyncFrame frame = *arbitrary_sync_frame();
  Bytes body = encode(frame);
  auto decoded = decode_sync_frame(body);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(decoded->index() == frame.index());
  RC_ASSERT(*decoded == frame);
  RC_ASSERT(encode(*decoded) == body);
}

}  // namespace
}  // namespace meshchat::chat::wire
