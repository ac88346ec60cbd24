#include "core/protobuf.hpp"

#include <gtest/gtest.h>

namespace meshchat {
namespace {

TEST(Protobuf, WritesAndReadsFields) {
  protobuf::Writer w;
  w.varint_field(1, 150);
  w.string_field(2, "testing");
  // From the protobuf encoding guide: field 1 = 150 is 08 96 01; field 2 "testing" is 12 07 ...
  EXPECT_EQ(to_hex(w.bytes()), "089601120774657374696e67");
  protobuf::Reader r(w.bytes());
  auto f1 = r.next();
  ASSERT_TRUE(f1 && *f1);
  EXPECT_EQ((*f1)->number, 1u);
  EXPECT_EQ((*f1)->varint, 150u);
  auto f2 = r.next();
  ASSERT_TRUE(f2 && *f2);
  EXPECT_EQ(as_string((*f2)->bytes), "testing");
  auto end = r.next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

TEST(Protobuf, SkipsFixedWidthFields) {
  auto bytes = *from_hex(
      "0d01020304"
      "110102030405060708"
      "0801");
  protobuf::Reader r(bytes);
  auto a = r.next();
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->varint, 0x04030201u);
  auto b = r.next();
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->varint, 0x0807060504030201u);
  auto c = r.next();
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->varint, 1u);
}

TEST(Protobuf, RejectsMalformed) {
  auto run = [](const char* hex) {
    Bytes bytes = *from_hex(hex);
    protobuf::Reader r(bytes);
    for (int i = 0; i < 10; ++i) {
      auto f = r.next();
      if (!f) return f.error();
      if (!*f) return std::error_code{};
    }
    return std::error_code{};
  };
  EXPECT_EQ(run("1205abcd"), protobuf::Error::truncated);     // length past end
  EXPECT_EQ(run("0b"), protobuf::Error::bad_wire_type);       // group start
  EXPECT_EQ(run("0001"), protobuf::Error::bad_field_number);  // field 0
  EXPECT_EQ(run("08ffffffffffffffffffff01"), protobuf::Error::bad_varint);
  EXPECT_EQ(run("0880"), protobuf::Error::truncated);
}

}  // namespace
}  // namespace meshchat
