#include "p2p/kad/routing_table.hpp"

#include <algorithm>
#include <utility>

namespace meshchat::p2p::kad {
namespace {

// Buckets hold at most k peers, so a scan beats keeping a second index in sync.
template <class Bucket>
auto find_in(Bucket& bucket, const crypto::PeerId& peer) {
  return std::find_if(bucket.begin(), bucket.end(),
                      [&](const auto& entry) { return entry.peer == peer; });
}

}  // namespace

RoutingTable::RoutingTable(crypto::PeerId self, std::size_t bucket_size)
    : self_(std::move(self)), self_key_(KadKey::of(self_)), bucket_size_(bucket_size) {}

RoutingTable::Bucket* RoutingTable::bucket_for(const KadKey& key) {
  auto prefix = common_prefix_length(self_key_, key);
  return prefix == kKeyBits ? nullptr : &buckets_[prefix];
}

const RoutingTable::Bucket* RoutingTable::bucket_for(const KadKey& key) const {
  auto prefix = common_prefix_length(self_key_, key);
  return prefix == kKeyBits ? nullptr : &buckets_[prefix];
}

RoutingTable::Update RoutingTable::add(const crypto::PeerId& peer) {
  auto key = KadKey::of(peer);
  auto* bucket = bucket_for(key);
  if (bucket == nullptr || peer == self_) return Update::is_self;
  if (auto it = find_in(*bucket, peer); it != bucket->end()) {
    std::rotate(it, it + 1, bucket->end());
    return Update::refreshed;
  }
  if (bucket->size() >= bucket_size_) return Update::bucket_full;
  bucket->push_back(Entry{peer, key});
  ++size_;
  return Update::added;
}

bool RoutingTable::remove(const crypto::PeerId& peer) {
  auto* bucket = bucket_for(KadKey::of(peer));
  if (bucket == nullptr) return false;
  auto it = find_in(*bucket, peer);
  if (it == bucket->end()) return false;
  bucket->erase(it);
  --size_;
  return true;
}

bool RoutingTable::contains(const crypto::PeerId& peer) const {
  const auto* bucket = bucket_for(KadKey::of(peer));
  return bucket != nullptr && find_in(*bucket, peer) != bucket->end();
}

std::optional<crypto::PeerId> RoutingTable::oldest_in_bucket_of(const crypto::PeerId& peer) const {
  const auto* bucket = bucket_for(KadKey::of(peer));
  if (bucket == nullptr || bucket->empty()) return std::nullopt;
  return bucket->front().peer;
}

std::vector<crypto::PeerId> RoutingTable::closest(const KadKey& target, std::size_t count) const {
  // At most 256 * k entries: sorting them all is cheaper to trust than a bucket walk.
  std::vector<const Entry*> all;
  all.reserve(size_);
  for (const auto& bucket : buckets_) {
    for (const auto& entry : bucket) all.push_back(&entry);
  }
  auto take = std::min(count, all.size());
  std::partial_sort(
      all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take), all.end(),
      [&](const Entry* a, const Entry* b) { return closer_to(target, a->key, b->key); });
  std::vector<crypto::PeerId> out;
  out.reserve(take);
  for (std::size_t i = 0; i < take; ++i) out.push_back(all[i]->peer);
  return out;
}

std::vector<crypto::PeerId> RoutingTable::peers() const {
  std::vector<crypto::PeerId> out;
  out.reserve(size_);
  for (const auto& bucket : buckets_) {
    for (const auto& entry : bucket) out.push_back(entry.peer);
  }
  return out;
}

}  // namespace meshchat::p2p::kad
