// Kademlia routing table (kad-dht/README.md "Kademlia routing table"): k-buckets indexed by the
// common prefix length with the local key. Pure: the I/O glue decides liveness and eviction.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "crypto/peer_id.hpp"
#include "p2p/kad/key.hpp"

namespace meshchat::p2p::kad {

// 256 buckets (common prefix length 0..255 with `self`), each holding at most `bucket_size`
// peers ordered least- to most-recently seen.
class RoutingTable {
 public:
  explicit RoutingTable(crypto::PeerId self, std::size_t bucket_size = kBucketSize);

  enum class Update { added, refreshed, bucket_full, is_self };
  // Adds `peer` or moves it to the most-recently-seen end. When its bucket is full nothing
  // changes and bucket_full is returned: the caller may then evict oldest_in_bucket_of(peer)
  // (for example if it is no longer connected) and add again. Kademlia keeps old peers over new
  // ones because long-lived peers are the likeliest to stay up, and it resists table flooding.
  Update add(const crypto::PeerId& peer);
  bool remove(const crypto::PeerId& peer);
  bool contains(const crypto::PeerId& peer) const;
  // The least recently seen peer of the bucket `peer` belongs to, if that bucket is not empty.
  std::optional<crypto::PeerId> oldest_in_bucket_of(const crypto::PeerId& peer) const;
  // The `count` known peers closest to `target` (never self), closest first.
  std::vector<crypto::PeerId> closest(const KadKey& target, std::size_t count) const;
  std::size_t size() const { return size_; }
  // Every peer, by bucket (farthest from self first), each bucket oldest first.
  std::vector<crypto::PeerId> peers() const;
  const crypto::PeerId& self() const { return self_; }

 private:
  struct Entry {
    crypto::PeerId peer;
    KadKey key;  // cached: hashing on every comparison would dominate closest()
  };
  using Bucket = std::vector<Entry>;

  // Nullptr for self (common prefix length 256).
  Bucket* bucket_for(const KadKey& key);
  const Bucket* bucket_for(const KadKey& key) const;

  crypto::PeerId self_;
  KadKey self_key_;
  std::size_t bucket_size_;
  std::size_t size_ = 0;
  std::array<Bucket, kKeyBits> buckets_;
};

}  // namespace meshchat::p2p::kad
