// SecureTransport: framing, chunking, tampering and nonce limits of the /noise transport phase.
#include "p2p/noise/transport.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "p2p/noise/error.hpp"

namespace meshchat::p2p::noise {
namespace {

CipherKey key_of(std::uint8_t n) {
  CipherKey key;
  key.fill(n);
  return key;
}

// Two ends of one connection, as Split() would give them.
struct Link {
  SecureTransport a{CipherState(key_of(1)), CipherState(key_of(2))};
  SecureTransport b{CipherState(key_of(2)), CipherState(key_of(1))};
};

Bytes pattern(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 31 + (i >> 8));
  return out;
}

std::size_t frames_for(std::size_t size) {
  return (size + SecureTransport::kMaxPlaintext - 1) / SecureTransport::kMaxPlaintext;
}

TEST(NoiseTransport, PinnedSizes) {
  EXPECT_EQ(SecureTransport::kMaxPlaintext, 65519u);
  EXPECT_EQ(kMaxFrameSize, 65537u);
}

TEST(NoiseTransport, RoundTripSizes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65519}, std::size_t{65520},
                           std::size_t{1} << 20}) {
    SCOPED_TRACE(size);
    Link link;
    Bytes plain = pattern(size);
    Bytes wire = {0xaa};  // encrypt appends
    ASSERT_TRUE(link.a.encrypt(plain, wire));
    EXPECT_EQ(wire.size(), 1 + size + frames_for(size) * (kLengthPrefixSize + kTagSize));
    if (size > 0) {
      EXPECT_LE(get_length(wire.data() + 1), kMaxMessageSize);
    }
    Bytes out = {0xbb};  // decrypt appends
    ASSERT_TRUE(link.b.decrypt(ByteView(wire).subspan(1), out));
    EXPECT_EQ(out.size(), 1 + size);
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), out.begin() + 1));
    EXPECT_EQ(link.b.buffered(), 0u);
  }
}

TEST(NoiseTransport, FrameBoundaries) {
  Link link;
  Bytes wire;
  ASSERT_TRUE(link.a.encrypt(pattern(65519), wire));
  EXPECT_EQ(wire.size(), 65537u);
  EXPECT_EQ(get_length(wire.data()), 65535u);
  wire.clear();
  ASSERT_TRUE(link.a.encrypt(pattern(65520), wire));
  EXPECT_EQ(get_length(wire.data()), 65535u);
  EXPECT_EQ(get_length(wire.data() + 65537), 1u + kTagSize);
}

RC_GTEST_PROP(NoiseTransport, AnyChunkingRoundTrips, ()) {
  const auto sizes = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, 3 * SecureTransport::kMaxPlaintext));
  const auto cuts = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 70000)));
  Link link;
  Bytes wire;
  Bytes expected;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    Bytes plain = pattern(sizes[i]);
    for (auto& byte : plain) byte = static_cast<std::uint8_t>(byte + i);
    RC_ASSERT(link.a.encrypt(plain, wire).has_value());
    append(expected, plain);
  }
  Bytes out;
  ByteView rest = wire;
  for (std::size_t i = 0; !rest.empty(); ++i) {
    std::size_t n = std::min(rest.size(), cuts[i % cuts.size()]);
    RC_ASSERT(link.b.decrypt(rest.first(n), out).has_value());
    rest = rest.subspan(n);
  }
  RC_ASSERT(out == expected);
  RC_ASSERT(link.b.buffered() == 0u);
}

TEST(NoiseTransport, TamperedFrameFailsAndSticks) {
  Link link;
  Bytes wire;
  ASSERT_TRUE(link.a.encrypt(as_bytes("first"), wire));
  std::size_t first = wire.size();
  ASSERT_TRUE(link.a.encrypt(as_bytes("second"), wire));
  ASSERT_TRUE(link.a.encrypt(as_bytes("third"), wire));
  wire[first + kLengthPrefixSize] ^= 0x01;
  Bytes out;
  auto r = link.b.decrypt(wire, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::decrypt_failed);
  EXPECT_EQ(as_string(out), "first");  // frames before the bad one are delivered, nothing after
  EXPECT_EQ(link.b.decrypt(Bytes{}, out).error(), Error::decrypt_failed);
}

TEST(NoiseTransport, TamperedFrameInPartialPath) {
  Link link;
  Bytes wire;
  ASSERT_TRUE(link.a.encrypt(as_bytes("hello"), wire));
  wire.back() ^= 0x01;  // the tag
  Bytes out;
  ASSERT_TRUE(link.b.decrypt(ByteView(wire).first(1), out));
  ASSERT_TRUE(link.b.decrypt(ByteView(wire).subspan(1, 4), out));
  EXPECT_EQ(link.b.decrypt(ByteView(wire).subspan(5), out).error(), Error::decrypt_failed);
  EXPECT_TRUE(out.empty());
}

TEST(NoiseTransport, ReorderedFramesFail) {
  Link link;
  Bytes first, second;
  ASSERT_TRUE(link.a.encrypt(as_bytes("1"), first));
  ASSERT_TRUE(link.a.encrypt(as_bytes("2"), second));
  Bytes out;
  EXPECT_EQ(link.b.decrypt(second, out).error(), Error::decrypt_failed);
}

TEST(NoiseTransport, FrameShorterThanTag) {
  for (std::size_t length : {std::size_t{0}, std::size_t{15}}) {
    Link link;
    Bytes wire(kLengthPrefixSize + length, 0);
    put_length(wire.data(), length);
    Bytes out;
    EXPECT_EQ(link.b.decrypt(wire, out).error(), Error::bad_frame);
  }
}

TEST(NoiseTransport, AcceptsEmptyFrameFromPeer) {
  // We never send one, but other implementations may: it is a valid Noise transport message.
  CipherState sender(key_of(1));
  Bytes message;
  ASSERT_TRUE(sender.encrypt_with_ad({}, {}, message));
  Bytes wire(kLengthPrefixSize);
  put_length(wire.data(), message.size());
  append(wire, message);
  Link link;
  Bytes out;
  ASSERT_TRUE(link.b.decrypt(wire, out));
  EXPECT_TRUE(out.empty());
  Bytes next;
  ASSERT_TRUE(link.a.encrypt(as_bytes("after"), next));  // nonce 0 again from a fresh sender
  EXPECT_EQ(link.b.decrypt(next, out).error(), Error::decrypt_failed);
}

TEST(NoiseTransport, NonceExhaustion) {
  CipherState near_limit(key_of(1));
  near_limit.set_nonce(CipherState::kNonceLimit - 1);
  CipherState receiver(key_of(1));
  receiver.set_nonce(CipherState::kNonceLimit - 1);
  SecureTransport sender(std::move(near_limit), CipherState(key_of(2)));
  SecureTransport reader(CipherState(key_of(2)), std::move(receiver));
  Bytes wire;
  ASSERT_TRUE(sender.encrypt(as_bytes("last"), wire));
  std::size_t before = wire.size();
  EXPECT_EQ(sender.encrypt(as_bytes("one too many"), wire).error(), Error::nonce_exhausted);
  EXPECT_EQ(wire.size(), before);
  Bytes out;
  ASSERT_TRUE(reader.decrypt(wire, out));
  EXPECT_EQ(as_string(out), "last");
  // A forged frame after the last nonce is refused before any tag check.
  Bytes forged(kLengthPrefixSize + kTagSize, 0);
  put_length(forged.data(), kTagSize);
  EXPECT_EQ(reader.decrypt(forged, out).error(), Error::nonce_exhausted);
}

TEST(NoiseTransport, CipherStateWithoutKeyIsIdentity) {
  CipherState none;
  Bytes out;
  ASSERT_TRUE(none.encrypt_with_ad(as_bytes("ad"), as_bytes("plain"), out));
  EXPECT_EQ(as_string(out), "plain");
  EXPECT_EQ(none.nonce(), 0u);
}

}  // namespace
}  // namespace meshchat::p2p::noise
