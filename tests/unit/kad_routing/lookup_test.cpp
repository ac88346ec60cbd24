// Lookup against a simulated network of 200 Ed25519 peers answering FIND_NODE from a full or a
// Kademlia (routing table) view: the k closest found, the alpha bound, failures, tiny networks, and
// the candidate cap under huge responses.
#include "p2p/kad/lookup.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "p2p/kad/routing_table.hpp"

#include "test_peers.hpp"

namespace meshchat::p2p::kad {
namespace {

using Peers = std::vector<crypto::PeerId>;

using testing::ed25519_peer;
using testing::hashed_peer;

KadKey random_target() {
  return KadKey::of(as_bytes(std::to_string(*rc::gen::arbitrary<std::uint64_t>())));
}

// `peers` minus `without`, the `count` closest to `target`, by a plain full sort.
Peers true_closest(const KadKey& target, const Peers& peers, const crypto::PeerId& without,
                   std::size_t count) {
  std::vector<std::pair<std::array<std::uint8_t, 32>, const crypto::PeerId*>> by_distance;
  for (const auto& peer : peers) {
    if (peer != without) by_distance.emplace_back(distance(target, KadKey::of(peer)).bytes, &peer);
  }
  std::sort(by_distance.begin(), by_distance.end());
  Peers out;
  for (std::size_t i = 0; i < std::min(count, by_distance.size()); ++i) {
    out.push_back(*by_distance[i].second);
  }
  return out;
}

class Network {
 public:
  enum class View { full, routing_table };

  Network(std::uint32_t size, View view) : view_(view) {
    for (std::uint32_t n = 0; n < size; ++n) {
      peers_.push_back(ed25519_peer(n));
      keys_.push_back(KadKey::of(peers_.back()));
    }
    if (view_ == View::routing_table) {
      for (const auto& self : peers_) {
        RoutingTable table(self);
        for (const auto& peer : peers_) table.add(peer);
        tables_.emplace(self, std::move(table));
      }
    }
  }

  const Peers& peers() const { return peers_; }

  // The FIND_NODE answer of `peer`: its k closest known peers to `target` (never itself).
  Peers answer(const crypto::PeerId& peer, const KadKey& target) const {
    if (view_ == View::routing_table) return tables_.at(peer).closest(target, kBucketSize);
    // A full sort with keys hashed once: this runs for every simulated query.
    std::vector<std::pair<std::array<std::uint8_t, 32>, std::size_t>> by_distance;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      if (peers_[i] != peer) by_distance.emplace_back(distance(target, keys_[i]).bytes, i);
    }
    std::sort(by_distance.begin(), by_distance.end());
    Peers out;
    for (std::size_t i = 0; i < std::min(kBucketSize, by_distance.size()); ++i) {
      out.push_back(peers_[by_distance[i].second]);
    }
    return out;
  }

 private:
  View view_;
  Peers peers_;
  std::vector<KadKey> keys_;
  std::unordered_map<crypto::PeerId, RoutingTable> tables_;
};

const Network& full_network() {
  static const Network network(200, Network::View::full);
  return network;
}

const Network& kademlia_network() {
  static const Network network(200, Network::View::routing_table);
  return network;
}

struct Run {
  Peers result;
  std::size_t queries = 0;
  Peers announced;  // every peer named in an answer, with repeats
};

// Drives `lookup` to the end, answering one in-flight query at a time in an order rapidcheck
// picks. Checks the alpha bound at every step.
Run drive(Lookup& lookup, const Network& network, const std::unordered_set<crypto::PeerId>& dead,
          std::size_t concurrency) {
  Run run;
  Peers pending;
  while (!lookup.finished()) {
    auto started = lookup.next_queries();
    run.queries += started.size();
    pending.insert(pending.end(), started.begin(), started.end());
    RC_ASSERT(lookup.in_flight() == pending.size());
    RC_ASSERT(pending.size() <= concurrency);
    // Not finished with nothing in flight would be a stuck lookup.
    RC_ASSERT(!pending.empty());
    auto index = *rc::gen::inRange<std::size_t>(0, pending.size());
    auto peer = pending[index];
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(index));
    if (dead.contains(peer)) {
      lookup.on_failure(peer);
    } else {
      auto closer = network.answer(peer, lookup.target());
      run.announced.insert(run.announced.end(), closer.begin(), closer.end());
      lookup.on_response(peer, closer);
    }
    RC_ASSERT(run.queries < 1000u);
  }
  RC_ASSERT(lookup.next_queries().empty());
  run.result = lookup.closest_responded();
  return run;
}

// A few seeds from the network, never the local node.
Peers pick_seeds(const Peers& peers, const crypto::PeerId& local) {
  auto count = *rc::gen::inRange<std::size_t>(1, 4);
  Peers seeds;
  for (std::size_t i = 0; i < count; ++i) {
    auto seed = peers[*rc::gen::inRange<std::size_t>(0, peers.size())];
    if (seed != local) seeds.push_back(seed);
  }
  if (seeds.empty()) seeds.push_back(peers[1]);
  return seeds;
}

RC_GTEST_PROP(Lookup, FindsTheTrueKClosestWithAFullView, ()) {
  const auto& network = full_network();
  const auto& local = network.peers()[0];  // others' answers may name it: it must be excluded
  auto target = random_target();
  auto concurrency = *rc::gen::inRange<std::size_t>(1, kConcurrency + 1);
  Lookup lookup(target, pick_seeds(network.peers(), local), kBucketSize, concurrency);
  lookup.exclude(local);
  auto run = drive(lookup, network, {}, concurrency);
  RC_ASSERT(run.result == true_closest(target, network.peers(), local, kBucketSize));
}

// With routing-table views nobody may know the true k closest, so the lookup can only promise
// the k closest of all the peers it heard of.
RC_GTEST_PROP(Lookup, FindsTheKClosestHeardOfWithRoutingTableViews, ()) {
  const auto& network = kademlia_network();
  const auto& local = network.peers()[0];
  auto target = random_target();
  auto seeds = pick_seeds(network.peers(), local);
  Lookup lookup(target, seeds);
  lookup.exclude(local);
  auto run = drive(lookup, network, {}, kConcurrency);
  auto heard_of = seeds;
  heard_of.insert(heard_of.end(), run.announced.begin(), run.announced.end());
  std::sort(heard_of.begin(), heard_of.end());
  heard_of.erase(std::unique(heard_of.begin(), heard_of.end()), heard_of.end());
  RC_ASSERT(run.result == true_closest(target, heard_of, local, kBucketSize));
}

// With partial views nearly all of the true k closest are found. Fixed targets and answer order
// keep this deterministic.
TEST(Lookup, RoutingTableViewsFindNearlyAllOfTheTrueKClosest) {
  const auto& network = kademlia_network();
  const auto& local = network.peers()[0];
  std::size_t found = 0;
  std::size_t exact = 0;
  constexpr std::size_t kTargets = 50;
  for (std::size_t t = 0; t < kTargets; ++t) {
    auto target = KadKey::of(as_bytes("target " + std::to_string(t)));
    Lookup lookup(target, {network.peers()[1 + t]});
    lookup.exclude(local);
    Peers pending;
    while (!lookup.finished()) {
      auto started = lookup.next_queries();
      pending.insert(pending.end(), started.begin(), started.end());
      ASSERT_FALSE(pending.empty());
      auto peer = pending.front();
      pending.erase(pending.begin());
      lookup.on_response(peer, network.answer(peer, target));
    }
    auto truth = true_closest(target, network.peers(), local, kBucketSize);
    auto result = lookup.closest_responded();
    std::size_t here = 0;
    for (const auto& peer : truth) {
      here += std::count(result.begin(), result.end(), peer);
    }
    found += here;
    exact += here == kBucketSize ? 1 : 0;
  }
  // Measured: 997 of 1000 peers, 47 of 50 targets exact; a peer is missed when every peer that
  // knows it had k closer ones to name.
  EXPECT_GE(found, kTargets * kBucketSize * 99 / 100);
  EXPECT_GE(exact, kTargets * 9 / 10);
}

RC_GTEST_PROP(Lookup, TerminatesDespiteFailures, ()) {
  const auto& network = full_network();
  const auto& local = network.peers()[0];
  auto target = random_target();
  std::unordered_set<crypto::PeerId> dead;
  for (const auto& peer : network.peers()) {
    if (*rc::gen::inRange(0, 4) == 0) dead.insert(peer);
  }
  auto seeds = pick_seeds(network.peers(), local);
  Lookup lookup(target, seeds);
  lookup.exclude(local);
  auto run = drive(lookup, network, dead, kConcurrency);

  RC_ASSERT(run.result.size() <= kBucketSize);
  RC_ASSERT(run.result == true_closest(target, run.result, local, kBucketSize));  // sorted
  for (const auto& peer : run.result) RC_ASSERT(!dead.contains(peer));
  // Any live seed names the true k closest, so each live one among them must have answered.
  bool live_seed = std::any_of(seeds.begin(), seeds.end(),
                               [&](const auto& seed) { return !dead.contains(seed); });
  if (!live_seed) RC_ASSERT(run.result.empty());
  if (live_seed) {
    for (const auto& peer : true_closest(target, network.peers(), local, kBucketSize)) {
      if (dead.contains(peer)) continue;
      RC_ASSERT(std::find(run.result.begin(), run.result.end(), peer) != run.result.end());
    }
  }
}

TEST(Lookup, TinyNetworkEndsWithFewerThanK) {
  Network network(5, Network::View::full);
  const auto& local = network.peers()[0];
  auto target = KadKey::of(as_bytes("target"));
  Lookup lookup(target, {network.peers()[3]});
  lookup.exclude(local);
  Peers pending;
  std::size_t answered = 0;
  while (!lookup.finished()) {
    auto started = lookup.next_queries();
    pending.insert(pending.end(), started.begin(), started.end());
    ASSERT_FALSE(pending.empty());
    auto peer = pending.back();
    pending.pop_back();
    lookup.on_response(peer, network.answer(peer, target));
    ++answered;
  }
  EXPECT_EQ(answered, 4u);  // each other peer exactly once
  EXPECT_EQ(lookup.closest_responded(), true_closest(target, network.peers(), local, 20));
  EXPECT_EQ(lookup.in_flight(), 0u);
}

TEST(Lookup, NoSeedIsFinishedAtOnce) {
  Lookup lookup(KadKey::of(as_bytes("target")), {});
  EXPECT_TRUE(lookup.finished());
  EXPECT_TRUE(lookup.next_queries().empty());
  EXPECT_TRUE(lookup.closest_responded().empty());
}

TEST(Lookup, OnlySeedIsExcluded) {
  auto local = hashed_peer(0);
  Lookup lookup(KadKey::of(as_bytes("target")), {local, local});
  lookup.exclude(local);
  EXPECT_TRUE(lookup.finished());
  EXPECT_TRUE(lookup.next_queries().empty());
}

TEST(Lookup, QueriesOnlyTheKClosest) {
  auto target = KadKey::of(as_bytes("target"));
  Peers seeds;
  for (std::uint32_t n = 0; n < 8; ++n) seeds.push_back(hashed_peer(n));
  auto sorted = sort_by_distance(target, seeds, seeds.size());
  Lookup lookup(target, seeds, /*k=*/3, /*concurrency=*/5);
  EXPECT_EQ(lookup.next_queries(), (Peers{sorted[0], sorted[1], sorted[2]}));
  lookup.on_response(sorted[1], {});
  EXPECT_TRUE(lookup.next_queries().empty());  // sorted[3] is beyond the k closest
  // A failure is discarded: the next peer moves into the k closest.
  lookup.on_failure(sorted[0]);
  EXPECT_EQ(lookup.next_queries(), Peers{sorted[3]});
  lookup.on_response(sorted[2], {});
  EXPECT_FALSE(lookup.finished());
  lookup.on_response(sorted[3], {});
  EXPECT_TRUE(lookup.finished());
  EXPECT_EQ(lookup.closest_responded(), (Peers{sorted[1], sorted[2], sorted[3]}));
  EXPECT_EQ(lookup.in_flight(), 0u);
}

TEST(Lookup, AtMostAlphaInFlight) {
  auto target = KadKey::of(as_bytes("target"));
  Peers seeds;
  for (std::uint32_t n = 0; n < 8; ++n) seeds.push_back(hashed_peer(n));
  auto sorted = sort_by_distance(target, seeds, seeds.size());
  Lookup lookup(target, seeds, /*k=*/20, /*concurrency=*/2);
  EXPECT_EQ(lookup.next_queries(), (Peers{sorted[0], sorted[1]}));
  EXPECT_TRUE(lookup.next_queries().empty());
  lookup.on_failure(sorted[1]);
  EXPECT_EQ(lookup.next_queries(), Peers{sorted[2]});
  EXPECT_EQ(lookup.in_flight(), 2u);
}

TEST(Lookup, IgnoresAnswersFromPeersNotInFlight) {
  auto target = KadKey::of(as_bytes("target"));
  auto a = hashed_peer(1);
  auto b = hashed_peer(2);
  auto stranger = hashed_peer(3);
  Lookup lookup(target, {a, b}, 20, 1);
  auto first = lookup.next_queries();
  ASSERT_EQ(first.size(), 1u);
  auto waiting = first[0] == a ? b : a;
  lookup.on_response(stranger, {hashed_peer(10)});  // never queried
  lookup.on_response(waiting, {hashed_peer(11)});   // known but not queried yet
  lookup.on_failure(waiting);
  EXPECT_EQ(lookup.candidate_count(), 2u);
  EXPECT_EQ(lookup.in_flight(), 1u);
  lookup.on_response(first[0], {});
  lookup.on_response(first[0], {hashed_peer(12)});  // a second answer is not in flight either
  EXPECT_EQ(lookup.candidate_count(), 2u);
  EXPECT_EQ(lookup.closest_responded(), Peers{first[0]});
  EXPECT_EQ(lookup.next_queries(), Peers{waiting});
}

TEST(Lookup, ExcludingAnInFlightPeerForgetsIt) {
  auto target = KadKey::of(as_bytes("target"));
  auto a = hashed_peer(1);
  Lookup lookup(target, {a});
  EXPECT_EQ(lookup.next_queries(), Peers{a});
  lookup.exclude(a);
  EXPECT_EQ(lookup.in_flight(), 0u);
  lookup.on_response(a, {hashed_peer(2)});
  EXPECT_TRUE(lookup.finished());
  EXPECT_TRUE(lookup.closest_responded().empty());
}

TEST(Lookup, HugeResponseKeepsOnlyTheClosestCandidates) {
  auto target = KadKey::of(as_bytes("target"));
  auto seed = hashed_peer(0);
  constexpr std::size_t k = 20;
  Lookup lookup(target, {seed}, k, 3);
  ASSERT_EQ(lookup.next_queries(), Peers{seed});
  Peers flood;
  for (std::uint32_t n = 1; n <= 1000; ++n) flood.push_back(hashed_peer(n));
  flood.push_back(seed);      // a known peer, listed again
  flood.push_back(flood[5]);  // a duplicate
  lookup.on_response(seed, flood);
  EXPECT_EQ(lookup.candidate_count(), kMaxCandidatesPerK * k);
  flood.erase(flood.begin() + 1000, flood.end());
  EXPECT_EQ(lookup.next_queries(), sort_by_distance(target, flood, 3));
  // Another flood while queries are in flight: those stay tracked whatever their distance.
  Peers second;
  for (std::uint32_t n = 2000; n < 2500; ++n) second.push_back(hashed_peer(n));
  auto in_flight = sort_by_distance(target, flood, 3);
  lookup.on_response(in_flight[0], second);
  EXPECT_LE(lookup.candidate_count(), kMaxCandidatesPerK * k + 2);
  EXPECT_EQ(lookup.in_flight(), 2u);
  lookup.on_response(in_flight[1], {});
  lookup.on_response(in_flight[2], {});
  EXPECT_EQ(lookup.in_flight(), 0u);
}

}  // namespace
}  // namespace meshchat::p2p::kad
