#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "chat/sync/error.hpp"
#include "chat/sync/message.hpp"
#include "chat/sync/storage.hpp"
#include "chat/sync/varint.hpp"

namespace meshchat::chat::sync {
namespace {

Bytes hex(const char* h) {
  return *from_hex(h);
}

Bytes encode_varint(std::uint64_t v) {
  Bytes out;
  encode_msb_varint(v, out);
  return out;
}

// Most significant digit first, per the spec's Varint section (unlike LEB128's 8001 for 128).
TEST(NegentropyVarint, Vectors) {
  struct Case {
    std::uint64_t value;
    const char* hex;
  } cases[] = {
      {0, "00"},     {1, "01"},       {127, "7f"},       {128, "8100"},
      {255, "817f"}, {16383, "ff7f"}, {16384, "818000"}, {UINT64_MAX, "81ffffffffffffffff7f"}};
  for (const auto& c : cases) {
    EXPECT_EQ(to_hex(encode_varint(c.value)), c.hex);
    EXPECT_EQ(msb_varint_size(c.value), std::string(c.hex).size() / 2);
    auto decoded = decode_msb_varint(hex(c.hex));
    ASSERT_TRUE(decoded) << c.hex;
    EXPECT_EQ(decoded->value, c.value);
    EXPECT_EQ(decoded->size, std::string(c.hex).size() / 2);
  }
}

TEST(NegentropyVarint, Errors) {
  EXPECT_EQ(decode_msb_varint(ByteView{}).error(), Error::truncated);
  EXPECT_EQ(decode_msb_varint(hex("ff")).error(), Error::truncated);
  EXPECT_EQ(decode_msb_varint(hex("8001")).error(), Error::varint_not_minimal);
  EXPECT_EQ(decode_msb_varint(hex("82ffffffffffffffff7f")).error(), Error::varint_overflow);
  EXPECT_EQ(decode_msb_varint(hex("81ffffffffffffffffff7f")).error(), Error::varint_overflow);
}

RC_GTEST_PROP(NegentropyVarint, RoundTrip, (std::uint64_t v)) {
  Bytes b = encode_varint(v);
  b.push_back(0x55);  // trailing bytes are not consumed
  auto d = decode_msb_varint(b);
  RC_ASSERT(d.has_value());
  RC_ASSERT(d->value == v);
  RC_ASSERT(d->size == b.size() - 1);
}

// Pinned with Python: hashlib.sha256(sum_le32 + varint(count)).digest()[:16].
TEST(NegentropyFingerprint, Vectors) {
  EXPECT_EQ(to_hex(fingerprint_of(nullptr, 0)), "7f9c9e31ac8256ca2f258583df262dbc");
  Item a{1, {}};
  for (std::size_t i = 0; i < kIdSize; ++i) a.id[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(to_hex(fingerprint_of(&a, 1)), "8b44d96f214304bc15fe5ccb132bd5d5");
  // 2^256 - 1 plus 1 carries through every byte and wraps to zero.
  Item pair[2] = {Item{1, {}}, Item{2, {}}};
  pair[0].id.fill(0xff);
  pair[1].id[0] = 1;
  EXPECT_EQ(to_hex(fingerprint_of(pair, 2)), "58cc2f44d3a27866874701fbad573da9");
}

TEST(NegentropyStorage, SortsDedupsAndRejectsInfinity) {
  Storage s;
  Id x{};
  x[0] = 2;
  Id y{};
  y[0] = 1;
  ASSERT_TRUE(s.insert(5, x));
  ASSERT_TRUE(s.insert(5, y));
  ASSERT_TRUE(s.insert(3, x));
  ASSERT_TRUE(s.insert(5, x));
  EXPECT_EQ(s.insert(kInfinity, x).error(), Error::reserved_timestamp);
  s.seal();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.item(0), (Item{3, x}));
  EXPECT_EQ(s.item(1), (Item{5, y}));
  EXPECT_EQ(s.item(2), (Item{5, x}));
  EXPECT_EQ(s.lower_bound(0, 3, minimal_bound(s.item(1), s.item(2))), 2u);
}

TEST(NegentropyBound, Minimal) {
  Item a{7, {}}, b{9, {}};
  EXPECT_EQ(minimal_bound(a, b), (Bound{Item{9, {}}, 0}));
  Item c{9, {}};
  c.id[0] = 0xaa;
  c.id[1] = 0x01;
  Item d = c;
  d.id[1] = 0x02;
  d.id[2] = 0x33;
  Bound m = minimal_bound(c, d);
  EXPECT_EQ(m.prefix_len, 2);
  EXPECT_EQ(m.point.id[1], 0x02);
  EXPECT_EQ(m.point.id[2], 0);
  EXPECT_LT(c, m.point);
  EXPECT_LE(m.point, d);
}

TEST(NegentropyMessage, EncodesPinnedBytes) {
  MessageWriter w;
  Fingerprint fp;
  fp.fill(0xee);
  w.fingerprint(Bound{Item{10, {}}, 0}, fp);
  Bound b{Item{10, {}}, 1};
  b.point.id[0] = 0xab;
  w.skip(b);
  Id id;
  id.fill(0x11);
  w.id_list(Bound::infinity(), 1);
  w.id(id);
  // Timestamps: 10 -> 1 + 10 = 0x0b; 10 again -> offset 0 -> 0x01; infinity -> 0x00.
  const std::string expected =
      "61"
      "0b0001" +
      std::string(32, 'e') +
      "0101ab00"
      "000002"
      "01" +
      std::string(64, '1');
  EXPECT_EQ(to_hex(w.bytes()), expected);

  MessageReader r(w.bytes());
  ASSERT_EQ(r.version().value(), kProtocolVersion);
  auto r1 = r.next();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->mode, Mode::fingerprint);
  EXPECT_EQ(r1->upper, (Bound{Item{10, {}}, 0}));
  EXPECT_EQ(r1->fingerprint, fp);
  auto r2 = r.next();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->mode, Mode::skip);
  EXPECT_EQ(r2->upper, b);
  auto r3 = r.next();
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->mode, Mode::id_list);
  EXPECT_EQ(r3->upper, Bound::infinity());
  ASSERT_EQ(r3->id_count(), 1u);
  EXPECT_EQ(r3->id(0), id);
  EXPECT_TRUE(r.at_end());
}

TEST(NegentropyMessage, DecodeErrors) {
  struct Case {
    const char* hex;
    Error error;
  } cases[] = {
      {"", Error::empty_message},
      {"00", Error::bad_version},
      {"7f", Error::bad_version},
      {"6100", Error::truncated},             // bound without prefix length
      {"610021", Error::id_prefix_too_long},  // 33-byte prefix
      {"61000101", Error::truncated},         // prefix byte missing
      {"61000003", Error::bad_mode},          // mode 3
      {"61000001aa", Error::truncated},       // short fingerprint
      {"6100000201", Error::truncated},       // IdList count 1, no id
      {"610000028fffffffffffffffff7f", Error::varint_overflow},
      {"6180", Error::varint_not_minimal},
      {"61000000010000", Error::timestamp_overflow},                // finite after infinity
      {"6102000081ffffffffffffffff7f", Error::timestamp_overflow},  // 1 + (2^64 - 2)
  };
  for (const auto& c : cases) {
    Bytes in = hex(c.hex);
    MessageReader r(in);
    std::error_code ec;
    if (auto v = r.version(); !v) {
      ec = v.error();
    } else {
      while (!r.at_end()) {
        auto range = r.next();
        if (!range) {
          ec = range.error();
          break;
        }
      }
    }
    EXPECT_EQ(ec, c.error) << c.hex;
  }
  // (10, prefix 0x05) then (10, prefix 0x01) goes backwards.
  Bytes down = hex("610b0105000101010100");
  MessageReader r(down);
  ASSERT_TRUE(r.version());
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.next().error(), Error::bound_out_of_order);
}

}  // namespace
}  // namespace meshchat::chat::sync
