#include "chat/presence/rate_limiter.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace meshchat::chat::presence {

RateLimiter::RateLimiter(double burst, double per_second, std::size_t max_peers)
    : burst_(burst), per_second_(per_second), max_peers_(max_peers) {
  if (!(burst >= 1) || !(per_second >= 0) || max_peers == 0) {
    throw std::invalid_argument("RateLimiter: burst below 1, negative rate or no peers");
  }
}

double RateLimiter::tokens_at(const Bucket& bucket, TimePoint now) const {
  if (now <= bucket.updated) return bucket.tokens;
  double seconds = std::chrono::duration<double>(now - bucket.updated).count();
  return std::min(burst_, bucket.tokens + seconds * per_second_);
}

void RateLimiter::drop_oldest() {
  index_.erase(buckets_.back().peer);
  buckets_.pop_back();
}

bool RateLimiter::allow(const crypto::PeerId& peer, TimePoint now) {
  // The least recently seen buckets have refilled longest; full ones carry no state. Each bucket
  // is dropped at most once per insertion, so this loop is amortised O(1).
  while (!buckets_.empty() && buckets_.back().peer != peer &&
         tokens_at(buckets_.back(), now) >= burst_) {
    drop_oldest();
  }
  auto found = index_.find(peer);
  if (found == index_.end()) {
    if (buckets_.size() >= max_peers_) drop_oldest();
    buckets_.push_front(Bucket{peer, burst_, now});
    found = index_.emplace(peer, buckets_.begin()).first;
  } else {
    Bucket& bucket = *found->second;
    bucket.tokens = tokens_at(bucket, now);
    bucket.updated = std::max(bucket.updated, now);
    buckets_.splice(buckets_.begin(), buckets_, found->second);
  }
  Bucket& bucket = buckets_.front();
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

}  // namespace meshchat::chat::presence
