#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include "chat/sync/error.hpp"
#include "chat/sync/negentropy.hpp"

namespace meshchat::chat::sync {
namespace {

struct Outcome {
  std::set<Id> have;
  std::set<Id> need;
  std::size_t rounds = 0;  // client messages sent
  std::size_t largest_message = 0;
};

// Runs a client against a server in memory until the client is done.
Outcome run(const Storage& client_store, const Storage& server_store, Config config) {
  NegentropyClient client(client_store, config);
  NegentropyServer server(server_store, config);
  Outcome o;
  std::optional<Bytes> msg = client.initiate();
  while (msg) {
    ++o.rounds;
    o.largest_message = std::max(o.largest_message, msg->size());
    auto reply = server.reconcile(*msg);
    if (!reply) throw std::runtime_error("server: " + reply.error().message());
    o.largest_message = std::max(o.largest_message, reply->size());
    auto round = client.reconcile(*reply);
    if (!round) throw std::runtime_error("client: " + round.error().message());
    o.have.insert(round->have_ids.begin(), round->have_ids.end());
    o.need.insert(round->need_ids.begin(), round->need_ids.end());
    msg = std::move(round->next);
    if (o.rounds > 10000) throw std::runtime_error("no progress");
  }
  return o;
}

Id make_id(std::uint64_t n) {
  Id id{};
  // Spread the bits so ids do not share long prefixes, as hashes would not.
  std::uint64_t x = n * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < kIdSize; ++i) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    id[i] = static_cast<std::uint8_t>(x >> 56);
  }
  return id;
}

// Records shared by both, only the client's, and only the server's. Small timestamp ranges force
// equal timestamps, so bounds need id prefixes.
void check_property(std::size_t shared, std::size_t client_only, std::size_t server_only,
                    std::uint64_t time_span, std::size_t frame_limit) {
  Storage c, s;
  std::set<Id> expect_have, expect_need;
  std::uint64_t next = 0;
  auto timestamp = [&] { return *rc::gen::inRange<std::uint64_t>(0, time_span); };
  for (std::size_t i = 0; i < shared; ++i) {
    const Id id = make_id(next++);
    const std::uint64_t t = timestamp();
    RC_ASSERT(c.insert(t, id).has_value());
    RC_ASSERT(s.insert(t, id).has_value());
  }
  for (std::size_t i = 0; i < client_only; ++i) {
    const Id id = make_id(next++);
    RC_ASSERT(c.insert(timestamp(), id).has_value());
    expect_have.insert(id);
  }
  for (std::size_t i = 0; i < server_only; ++i) {
    const Id id = make_id(next++);
    RC_ASSERT(s.insert(timestamp(), id).has_value());
    expect_need.insert(id);
  }
  c.seal();
  s.seal();
  Config config;
  config.frame_size_limit = frame_limit;
  const Outcome o = run(c, s, config);
  RC_ASSERT(o.have == expect_have);
  RC_ASSERT(o.need == expect_need);
  if (frame_limit != 0) RC_ASSERT(o.largest_message <= frame_limit);
}

std::size_t gen_frame_limit() {
  return *rc::gen::element<std::size_t>(0, kMinFrameSizeLimit, 8192);
}

RC_GTEST_PROP(NegentropyReconcile, RandomSets, ()) {
  const auto shared = *rc::gen::inRange<std::size_t>(0, 3000);
  const auto client_only = *rc::gen::inRange<std::size_t>(0, 300);
  const auto server_only = *rc::gen::inRange<std::size_t>(0, 300);
  const auto span = *rc::gen::element<std::uint64_t>(3, 1000, 1'000'000'000'000ull);
  check_property(shared, client_only, server_only, span, gen_frame_limit());
}

RC_GTEST_PROP(NegentropyReconcile, IdenticalSets, ()) {
  check_property(*rc::gen::inRange<std::size_t>(0, 5000), 0, 0, 1000, gen_frame_limit());
}

RC_GTEST_PROP(NegentropyReconcile, OneDifference, ()) {
  const bool client_side = *rc::gen::arbitrary<bool>();
  check_property(*rc::gen::inRange<std::size_t>(0, 5000), client_side ? 1 : 0, client_side ? 0 : 1,
                 100000, gen_frame_limit());
}

RC_GTEST_PROP(NegentropyReconcile, OneSideEmpty, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(0, 5000);
  const bool client_empty = *rc::gen::arbitrary<bool>();
  check_property(0, client_empty ? 0 : n, client_empty ? n : 0, 1000, gen_frame_limit());
}

RC_GTEST_PROP(NegentropyReconcile, ManyDifferences, ()) {
  check_property(*rc::gen::inRange<std::size_t>(0, 2000), *rc::gen::inRange<std::size_t>(500, 3000),
                 *rc::gen::inRange<std::size_t>(500, 3000), 10'000'000, gen_frame_limit());
}

TEST(NegentropyReconcile, BothEmptyIsOneRound) {
  Storage c, s;
  c.seal();
  s.seal();
  const Outcome o = run(c, s, {});
  EXPECT_EQ(o.rounds, 1u);
  EXPECT_TRUE(o.have.empty());
  EXPECT_TRUE(o.need.empty());
}

// Informational: how many rounds one missing record costs among 100,000.
TEST(NegentropyReconcile, RoundsForOneDifferenceIn100k) {
  Storage c, s;
  std::mt19937_64 rng(42);
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    const std::uint64_t t = 1'700'000'000'000ull + rng() % 10'000'000'000ull;
    ASSERT_TRUE(c.insert(t, make_id(i)));
    if (i != 31'337) {
      ASSERT_TRUE(s.insert(t, make_id(i)));
    }
  }
  c.seal();
  s.seal();
  for (std::size_t limit : {std::size_t{0}, kMinFrameSizeLimit}) {
    Config config;
    config.frame_size_limit = limit;
    const Outcome o = run(c, s, config);
    EXPECT_EQ(o.have, std::set<Id>{make_id(31'337)});
    EXPECT_TRUE(o.need.empty());
    std::printf(
        "1 difference in 100000 records, frame limit %zu: %zu rounds, largest message %zu\n", limit,
        o.rounds, o.largest_message);
    EXPECT_LE(o.rounds, 6u);  // log16(100000 / 32) + 1 levels of splitting
  }
}

TEST(NegentropyServer, AnswersOtherVersionWithItsOwn) {
  Storage s;
  s.seal();
  NegentropyServer server(s);
  const Bytes v2{0x62, 0x00, 0x00, 0x00};
  auto reply = server.reconcile(v2);
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply, Bytes{kProtocolVersion});
  EXPECT_EQ(server.reconcile(Bytes{0x01}).error(), Error::bad_version);
}

TEST(NegentropyClient, RejectsOtherVersion) {
  Storage s;
  s.seal();
  NegentropyClient client(s);
  client.initiate();
  EXPECT_EQ(client.reconcile(Bytes{0x62}).error(), Error::unsupported_version);
}

TEST(NegentropyServer, RejectsOversizedMessage) {
  Storage s;
  s.seal();
  Config config;
  config.max_message_bytes = 8;
  NegentropyServer server(s, config);
  EXPECT_EQ(server.reconcile(Bytes(9, 0x61)).error(), Error::message_too_large);
}

TEST(NegentropyConfig, SmallFrameLimitIsABug) {
  Storage s;
  s.seal();
  Config config;
  config.frame_size_limit = kMinFrameSizeLimit - 1;
  EXPECT_THROW(NegentropyServer(s, config), std::logic_error);
}

}  // namespace
}  // namespace meshchat::chat::sync
