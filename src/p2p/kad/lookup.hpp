// One iterative Kademlia lookup toward a key (kad-dht/README.md "Peer routing"), as a pure state
// machine: the caller sends FIND_NODE (or GET_VALUE/GET_PROVIDERS) and reports each outcome.
#pragma once

#include <cstddef>
#include <vector>

#include "crypto/peer_id.hpp"
#include "p2p/kad/key.hpp"

namespace meshchat::p2p::kad {

// Candidates kept per unit of k. Far more than the k that matter, so failures among the closest
// can be replaced, yet responses full of made-up peers cannot grow a lookup without bound.
inline constexpr std::size_t kMaxCandidatesPerK = 16;

// Candidates are sorted by distance to the target. Only the k closest peers not known to have
// failed are ever queried, at most `concurrency` at a time; the lookup is finished when those k
// have all answered, or when fewer are known and all of them answered. Failed peers are
// discarded (spec step 3.2), so the peer after them moves into the k closest.
class Lookup {
 public:
  Lookup(KadKey target, std::vector<crypto::PeerId> seeds, std::size_t k = kBucketSize,
         std::size_t concurrency = kConcurrency);

  // Peers to query now; each is marked in flight. Empty when nothing may start now.
  std::vector<crypto::PeerId> next_queries();
  // `from` answered with `closer` peers: unknown ones become candidates. Ignored unless `from`
  // is in flight. Duplicates, known peers and excluded peers in `closer` are skipped.
  void on_response(const crypto::PeerId& from, const std::vector<crypto::PeerId>& closer);
  // `from` timed out or errored. Ignored unless `from` is in flight.
  void on_failure(const crypto::PeerId& from);
  // Never query or return `peer` (the local node). A query already in flight to it is forgotten.
  void exclude(const crypto::PeerId& peer);

  bool finished() const;
  // Up to k peers that answered, closest first: the lookup's result once finished(), the best so
  // far before (for a caller that gives up on a timeout).
  std::vector<crypto::PeerId> closest_responded() const;
  // Queries started and not yet answered. After finished() some may remain, to peers pushed out
  // of the k closest by closer ones; their answers no longer matter.
  std::size_t in_flight() const { return in_flight_; }
  // Peers tracked, in any state: at most kMaxCandidatesPerK * k plus the queries in flight.
  std::size_t candidate_count() const { return candidates_.size(); }
  const KadKey& target() const { return target_; }

 private:
  enum class State { waiting, in_flight, responded, failed };
  struct Candidate {
    crypto::PeerId peer;
    KadKey key;
    State state;
  };
  using Candidates = std::vector<Candidate>;

  // The first candidate not closer to the target than `key`.
  Candidates::iterator position_of(const KadKey& key);
  // The candidate for `peer`, or end().
  Candidates::iterator find(const crypto::PeerId& peer);
  void insert(const crypto::PeerId& peer);
  // Moves an in-flight candidate to `outcome` (responded or failed); false if it was not in flight.
  bool settle(const crypto::PeerId& peer, State outcome);
  // Drops the farthest candidates beyond the cap, keeping those in flight.
  void trim();

  KadKey target_;
  std::size_t k_;
  std::size_t concurrency_;
  std::size_t max_candidates_;
  std::size_t in_flight_ = 0;
  Candidates candidates_;  // closest to target_ first; one per peer
  std::vector<crypto::PeerId> excluded_;
};

}  // namespace meshchat::p2p::kad
