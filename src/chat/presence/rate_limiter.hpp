// Per-peer token bucket for /meshchat/presence/1.0.0 frames: a flood of presence frames from one
// peer costs O(1) per frame and is dropped beyond the budget. Sans-IO: the caller passes `now`.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>

#include "core/time.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat::presence {

// Far more peers than a node keeps connections to, so eviction only happens under attack.
inline constexpr std::size_t kMaxRateLimitedPeers = 4096;

// Each peer has a bucket of `burst` tokens refilled at `per_second`; a frame takes one token.
// Peers are forgotten once their bucket is full again (a full bucket is what a new peer gets),
// and at most `max_peers` are tracked: a new peer beyond that evicts the least recently seen.
class RateLimiter {
 public:
  // The glue uses burst 10, 5/s: typing refreshes and status changes stay far below, a flood
  // does not. `burst` below 1, a negative rate or no peers is a bug: std::invalid_argument.
  RateLimiter(double burst, double per_second, std::size_t max_peers = kMaxRateLimitedPeers);

  // True if `peer` may send one more frame at `now` (and takes its token). Amortised O(1).
  bool allow(const crypto::PeerId& peer, TimePoint now);
  std::size_t tracked_peers() const { return buckets_.size(); }

 private:
  struct Bucket {
    crypto::PeerId peer;
    double tokens;
    TimePoint updated;
  };
  using Buckets = std::list<Bucket>;

  // Tokens in `bucket` at `now`, at most burst_. A clock that went back refills nothing.
  double tokens_at(const Bucket& bucket, TimePoint now) const;
  void drop_oldest();

  double burst_;
  double per_second_;
  std::size_t max_peers_;
  Buckets buckets_;  // most recently seen first
  std::unordered_map<crypto::PeerId, Buckets::iterator> index_;
};

}  // namespace meshchat::chat::presence
