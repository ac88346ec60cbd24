// SecureTransport after a real in-memory /tls/1.0.0 handshake: round trips in any chunking,
// tampered records, close_notify.
#include "p2p/tls/transport.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "p2p/tls/error.hpp"
#include "p2p/tls/handshake.hpp"
#include "test_support.hpp"

namespace meshchat::p2p::tls {
namespace {

using test::identity;
using test::test_now;

// TLS 1.3 record: 5-byte header, then the encrypted content type byte and a 16-byte AEAD tag.
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kRecordOverhead = kRecordHeader + 1 + 16;

struct Link {
  SecureTransport client;
  SecureTransport server;
};

Link make_link() {
  Handshake client(Role::initiator, identity(1), {}, std::nullopt, test_now());
  Handshake server(Role::responder, identity(2), {}, std::nullopt, test_now());
  std::mt19937 rng(11);
  auto outcome = test::pump(client, server, rng);
  if (!outcome.client || !outcome.server) throw std::runtime_error("handshake failed");
  auto c = client.finish();
  auto s = server.finish();
  if (!c || !s) throw std::runtime_error("handshake failed");
  return {std::move(c->transport), std::move(s->transport)};
}

Bytes pattern(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 31 + (i >> 8));
  return out;
}

Result<Bytes> decrypt_chunked(SecureTransport& to, ByteView wire, std::mt19937& rng,
                              std::size_t max_chunk) {
  Bytes plain;
  auto r =
      test::feed_chunked([&](ByteView b) { return to.decrypt(b, plain); }, wire, rng, max_chunk);
  if (!r) return fail(r.error());
  return plain;
}

TEST(TlsTransport, RoundTripSizes) {
  Link link = make_link();
  std::mt19937 rng(12);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{16} * 1024,
                           std::size_t{16} * 1024 + 1, std::size_t{1} << 20}) {
    SCOPED_TRACE(size);
    Bytes plain = pattern(size);
    Bytes wire = {0xaa};  // encrypt appends
    ASSERT_TRUE(link.client.encrypt(plain, wire));
    std::size_t records =
        (size + SecureTransport::kMaxPlaintext - 1) / SecureTransport::kMaxPlaintext;
    EXPECT_EQ(wire.size(), 1 + size + records * kRecordOverhead);
    auto got = decrypt_chunked(link.server, ByteView(wire).subspan(1), rng, 40000);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, plain);
    // And the other way.
    Bytes back;
    ASSERT_TRUE(link.server.encrypt(plain, back));
    got = decrypt_chunked(link.client, back, rng, 3000);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, plain);
  }
}

RC_GTEST_PROP(TlsTransport, AnyChunkingRoundTrips,
              (const std::vector<Bytes>& messages, std::uint32_t seed)) {
  Link link = make_link();
  Bytes wire;
  Bytes expected;
  for (const Bytes& m : messages) {
    RC_ASSERT(link.client.encrypt(m, wire).has_value());
    append(expected, m);
  }
  std::mt19937 rng(seed);
  auto got = decrypt_chunked(link.server, wire, rng, 1 + seed % 100);
  RC_ASSERT(got.has_value());
  RC_ASSERT(*got == expected);
}

TEST(TlsTransport, TamperedRecordsFail) {
  // Flip a byte in the header, in the encrypted body, and in the tag of the second record.
  for (std::size_t offset : {std::size_t{1}, kRecordHeader + 3, kRecordOverhead + 99}) {
    SCOPED_TRACE(offset);
    Link link = make_link();
    Bytes first, second;
    ASSERT_TRUE(link.client.encrypt(pattern(100), first));
    ASSERT_TRUE(link.client.encrypt(pattern(100), second));
    second[offset] ^= 0x40;
    Bytes plain;
    ASSERT_TRUE(link.server.decrypt(first, plain));
    EXPECT_EQ(plain, pattern(100));
    auto r = link.server.decrypt(second, plain);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error() == Error::decrypt_failed || r.error() == Error::bad_record)
        << r.error().message();
    if (offset >= kRecordHeader) {
      EXPECT_EQ(r.error(), Error::decrypt_failed);
    }
    EXPECT_EQ(plain, pattern(100));
    // Sticky, and the alert is ready to go out.
    EXPECT_EQ(link.server.decrypt(first, plain).error(), r.error());
    EXPECT_EQ(link.server.encrypt(pattern(1), plain).error(), r.error());
    Bytes alert = link.server.take_output();
    EXPECT_FALSE(alert.empty());
    EXPECT_EQ(link.client.decrypt(alert, plain).error(), Error::alert_received);
  }
}

TEST(TlsTransport, ReplayedRecordFails) {
  Link link = make_link();
  Bytes record;
  ASSERT_TRUE(link.client.encrypt(pattern(10), record));
  Bytes plain;
  ASSERT_TRUE(link.server.decrypt(record, plain));
  EXPECT_EQ(link.server.decrypt(record, plain).error(), Error::decrypt_failed);
}

TEST(TlsTransport, CloseNotifyIsClosed) {
  Link link = make_link();
  Bytes wire;
  ASSERT_TRUE(link.client.encrypt(as_bytes("last words"), wire));
  ASSERT_TRUE(link.client.close(wire));
  Bytes plain;
  auto r = link.server.decrypt(wire, plain);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::closed);
  EXPECT_EQ(as_string(plain), "last words");
}

}  // namespace
}  // namespace meshchat::p2p::tls
