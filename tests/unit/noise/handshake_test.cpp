// The libp2p /noise handshake between two in-memory peers, and against a hand-driven peer that
// sends malformed, forged or mismatched payloads.
#include "p2p/noise/handshake.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>

#include "crypto/error.hpp"
#include "crypto/random.hpp"
#include "p2p/noise/error.hpp"
#include "p2p/noise/frame.hpp"

namespace meshchat::p2p::noise {
namespace {

using Muxers = std::vector<std::string>;
// Splits one write into the chunk sizes a reader sees.
using Chunker = std::function<std::size_t(std::size_t remaining)>;

crypto::PrivateKey identity(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(n);
  return crypto::PrivateKey::ed25519_from_seed(seed);
}

crypto::PeerId peer_of(const crypto::PrivateKey& key) {
  return crypto::PeerId::from_public_key(key.public_key());
}

Result<void> deliver(ByteView bytes, Handshake& to, const Chunker& chunker) {
  while (!bytes.empty()) {
    std::size_t n = std::min(bytes.size(), std::max<std::size_t>(1, chunker(bytes.size())));
    if (auto r = to.feed(bytes.first(n)); !r) return r;
    bytes = bytes.subspan(n);
  }
  return {};
}

struct Outcome {
  Result<void> initiator;
  Result<void> responder;
};

// Moves bytes both ways until neither side has anything to send or one side fails.
Outcome run(Handshake& initiator, Handshake& responder, const Chunker& chunker) {
  Outcome outcome{{}, {}};
  for (int round = 0; round < 4; ++round) {
    Bytes to_responder = initiator.take_output();
    outcome.responder = deliver(to_responder, responder, chunker);
    if (!outcome.responder) break;
    Bytes to_initiator = responder.take_output();
    outcome.initiator = deliver(to_initiator, initiator, chunker);
    if (!outcome.initiator) break;
    if (to_responder.empty() && to_initiator.empty()) break;
  }
  return outcome;
}

const Chunker kWhole = [](std::size_t remaining) { return remaining; };

struct Peers {
  crypto::PrivateKey init_key = identity(1);
  crypto::PrivateKey resp_key = identity(2);
  crypto::SeededRng init_rng{11};
  crypto::SeededRng resp_rng{22};
};

TEST(NoiseHandshake, CompletesAndAgreesOnKeys) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {"/yamux/1.0.0"}, peer_of(p.resp_key),
                      p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {"/yamux/1.0.0"}, std::nullopt, p.resp_rng);
  EXPECT_FALSE(initiator.done());
  auto outcome = run(initiator, responder, kWhole);
  ASSERT_TRUE(outcome.initiator) << outcome.initiator.error().message();
  ASSERT_TRUE(outcome.responder) << outcome.responder.error().message();
  ASSERT_TRUE(initiator.done());
  ASSERT_TRUE(responder.done());
  auto a = initiator.finish();
  auto b = responder.finish();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(initiator.done());
  EXPECT_EQ(a->remote_peer, peer_of(p.resp_key));
  EXPECT_EQ(a->remote_key, p.resp_key.public_key());
  EXPECT_EQ(b->remote_peer, peer_of(p.init_key));
  EXPECT_EQ(b->remote_key, p.init_key.public_key());
  EXPECT_EQ(a->muxer, "/yamux/1.0.0");
  EXPECT_EQ(b->muxer, "/yamux/1.0.0");
  EXPECT_TRUE(a->leftover.empty());

  Bytes wire, plain;
  ASSERT_TRUE(a->transport.encrypt(as_bytes("hello"), wire));
  ASSERT_TRUE(b->transport.decrypt(wire, plain));
  EXPECT_EQ(as_string(plain), "hello");
}

TEST(NoiseHandshake, TransportWorksBothWays) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {}, std::nullopt, p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {}, std::nullopt, p.resp_rng);
  auto outcome = run(initiator, responder, kWhole);
  ASSERT_TRUE(outcome.initiator && outcome.responder);
  auto a = initiator.finish();
  auto b = responder.finish();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->muxer, std::nullopt);
  Bytes wire, plain;
  ASSERT_TRUE(a->transport.encrypt(as_bytes("from initiator"), wire));
  ASSERT_TRUE(b->transport.decrypt(wire, plain));
  EXPECT_EQ(as_string(plain), "from initiator");
  wire.clear();
  plain.clear();
  ASSERT_TRUE(b->transport.encrypt(as_bytes("from responder"), wire));
  ASSERT_TRUE(a->transport.decrypt(wire, plain));
  EXPECT_EQ(as_string(plain), "from responder");
}

RC_GTEST_PROP(NoiseHandshake, AnyChunkingCompletes, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto sizes = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 120)));
  std::size_t next = 0;
  Chunker chunker = [&](std::size_t) { return sizes[next++ % sizes.size()]; };
  Peers p;
  crypto::SeededRng init_rng(seed);
  crypto::SeededRng resp_rng(seed + 1);
  Handshake initiator(Role::initiator, p.init_key, {"/mplex/6.7.0", "/yamux/1.0.0"},
                      peer_of(p.resp_key), init_rng);
  Handshake responder(Role::responder, p.resp_key, {"/yamux/1.0.0"}, std::nullopt, resp_rng);
  auto outcome = run(initiator, responder, chunker);
  RC_ASSERT(outcome.initiator.has_value());
  RC_ASSERT(outcome.responder.has_value());
  auto a = initiator.finish();
  auto b = responder.finish();
  RC_ASSERT(a.has_value());
  RC_ASSERT(b.has_value());
  RC_ASSERT(a->muxer == std::optional<std::string>("/yamux/1.0.0"));
  RC_ASSERT(b->muxer == a->muxer);
  Bytes wire, plain;
  RC_ASSERT(a->transport.encrypt(as_bytes("x"), wire).has_value());
  RC_ASSERT(b->transport.decrypt(wire, plain).has_value());
  RC_ASSERT(as_string(plain) == "x");
}

struct MuxerCase {
  Muxers initiator;
  Muxers responder;
  std::optional<std::string> expected;
};

TEST(NoiseHandshake, MuxerNegotiation) {
  const MuxerCase cases[] = {
      // The example of inlined-muxer-negotiation.md: the initiator's preference wins.
      {{"/yamux/1.0.0", "/mplex/6.7.0"}, {"/mplex/6.7.0", "/yamux/1.0.0"}, "/yamux/1.0.0"},
      {{"/mplex/6.7.0", "/yamux/1.0.0"}, {"/yamux/1.0.0"}, "/yamux/1.0.0"},
      {{"/yamux/1.0.0"}, {}, std::nullopt},
      {{}, {"/yamux/1.0.0"}, std::nullopt},
      {{}, {}, std::nullopt},
  };
  for (const auto& c : cases) {
    Peers p;
    Handshake initiator(Role::initiator, p.init_key, c.initiator, std::nullopt, p.init_rng);
    Handshake responder(Role::responder, p.resp_key, c.responder, std::nullopt, p.resp_rng);
    auto outcome = run(initiator, responder, kWhole);
    ASSERT_TRUE(outcome.initiator && outcome.responder);
    auto a = initiator.finish();
    auto b = responder.finish();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->muxer, c.expected);
    EXPECT_EQ(b->muxer, c.expected);
  }
}

TEST(NoiseHandshake, DisjointMuxersFail) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {"/mplex/6.7.0"}, std::nullopt, p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {"/yamux/1.0.0"}, std::nullopt, p.resp_rng);
  auto outcome = run(initiator, responder, kWhole);
  ASSERT_FALSE(outcome.initiator);
  EXPECT_EQ(outcome.initiator.error(), Error::no_common_muxer);
  EXPECT_FALSE(initiator.done());
  EXPECT_FALSE(responder.done());
  EXPECT_EQ(initiator.finish().error(), Error::no_common_muxer);
  // The failure sticks.
  EXPECT_EQ(initiator.feed(Bytes{0}).error(), Error::no_common_muxer);
}

TEST(NoiseHandshake, SelectMuxer) {
  EXPECT_EQ(*select_muxer({"a", "b"}, {"b", "a"}), "a");
  EXPECT_EQ(*select_muxer({"c", "b"}, {"a", "b"}), "b");
  EXPECT_EQ(*select_muxer({}, {"a"}), std::nullopt);
  EXPECT_EQ(select_muxer({"a"}, {"b"}).error(), Error::no_common_muxer);
}

TEST(NoiseHandshake, InitiatorRejectsUnexpectedPeer) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {}, peer_of(identity(3)), p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {}, std::nullopt, p.resp_rng);
  auto outcome = run(initiator, responder, kWhole);
  ASSERT_FALSE(outcome.initiator);
  EXPECT_EQ(outcome.initiator.error(), Error::peer_id_mismatch);
  EXPECT_EQ(outcome.initiator.error().message(), "peer id mismatch");
  // Message 3 was never sent, so the responder cannot finish either.
  EXPECT_FALSE(responder.done());
}

TEST(NoiseHandshake, ResponderRejectsUnexpectedPeer) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {}, std::nullopt, p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {}, peer_of(identity(3)), p.resp_rng);
  auto outcome = run(initiator, responder, kWhole);
  EXPECT_TRUE(initiator.done());
  ASSERT_FALSE(outcome.responder);
  EXPECT_EQ(outcome.responder.error(), Error::peer_id_mismatch);
}

TEST(NoiseHandshake, ResponderAcceptsExpectedPeer) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {}, std::nullopt, p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {}, peer_of(p.init_key), p.resp_rng);
  auto outcome = run(initiator, responder, kWhole);
  EXPECT_TRUE(outcome.responder);
  EXPECT_TRUE(responder.done());
}

TEST(NoiseHandshake, LeftoverTransportData) {
  Peers p;
  Handshake initiator(Role::initiator, p.init_key, {}, std::nullopt, p.init_rng);
  Handshake responder(Role::responder, p.resp_key, {}, std::nullopt, p.resp_rng);
  ASSERT_TRUE(responder.feed(initiator.take_output()));
  ASSERT_TRUE(initiator.feed(responder.take_output()));
  ASSERT_TRUE(initiator.done());
  auto a = initiator.finish();
  ASSERT_TRUE(a);
  // The initiator may write right after message 3; the responder gets both in one read.
  Bytes wire = initiator.take_output();
  std::size_t message3 = wire.size();
  ASSERT_TRUE(a->transport.encrypt(as_bytes("early"), wire));
  ASSERT_TRUE(responder.feed(ByteView(wire).first(message3 + 3)));
  ASSERT_TRUE(responder.done());
  EXPECT_EQ(responder.leftover().size(), 3u);
  ASSERT_TRUE(responder.feed(ByteView(wire).subspan(message3 + 3)));
  auto b = responder.finish();
  ASSERT_TRUE(b);
  Bytes plain;
  ASSERT_TRUE(b->transport.decrypt(b->leftover, plain));
  EXPECT_EQ(as_string(plain), "early");
}

TEST(NoiseHandshake, MisuseIsABug) {
  Peers p;
  Handshake responder(Role::responder, p.resp_key, {}, std::nullopt, p.resp_rng);
  EXPECT_TRUE(responder.take_output().empty());  // the responder speaks second
  EXPECT_THROW((void)responder.finish(), std::logic_error);
  Muxers huge(1000, std::string(100, 'm'));
  EXPECT_THROW(Handshake(Role::responder, p.resp_key, huge, std::nullopt, p.resp_rng),
               std::logic_error);
}

}  // namespace
}  // namespace meshchat::p2p::noise
