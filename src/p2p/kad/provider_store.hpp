// Local store for ADD_PROVIDER records (kad-dht/README.md "Content provider advertisement"):
// multihash key -> providing peers, each expiring ttl after its last add, bounded in size.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/time.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::kad {

// The spec's Provider Record Expiration Interval for IPFS; providers republish every 22 hours.
inline constexpr Duration kProviderTtl = std::chrono::hours(48);
// Bounds what peers can make us hold.
inline constexpr std::size_t kMaxProviderKeys = 4096;
// A GET_PROVIDERS answer carries at most a few dozen providers, so more per key is wasted memory.
inline constexpr std::size_t kMaxProvidersPerKey = 64;

class ProviderStore {
 public:
  explicit ProviderStore(std::size_t max_keys = kMaxProviderKeys,
                         std::size_t max_providers_per_key = kMaxProvidersPerKey,
                         Duration ttl = kProviderTtl);

  // Adds or refreshes. A full key drops its oldest provider; a full store drops the key whose
  // newest provider is oldest (if that one has expired, so has the whole key). Expired entries
  // are purged lazily. A provider exactly ttl old is still valid, as in go-libp2p-kad-dht.
  void add(Bytes key, crypto::PeerId provider, TimePoint now);
  // At most `limit` unexpired providers of `key`, newest first.
  std::vector<crypto::PeerId> providers(ByteView key, TimePoint now, std::size_t limit);
  // Keys held, including fully expired ones not yet purged.
  std::size_t key_count() const { return keys_.size(); }

 private:
  // (added at, add sequence): the sequence orders adds made at the same time point.
  using Age = std::pair<TimePoint, std::uint64_t>;
  struct Provider {
    crypto::PeerId peer;
    Age added;
  };
  // Oldest first; the last one is the newest.
  using Providers = std::vector<Provider>;
  using Keys = std::map<std::string, Providers, std::less<>>;

  // False if every provider of `it` had expired and the key is gone.
  bool purge_expired(Keys::iterator it, TimePoint now);
  // Removes `it` from by_newest_ before its providers change; reindex() puts it back.
  void unindex(Keys::iterator it);
  void reindex(Keys::iterator it);

  std::size_t max_keys_;
  std::size_t max_providers_per_key_;
  Duration ttl_;
  std::uint64_t next_sequence_ = 0;
  Keys keys_;
  // Each non-empty key by its newest provider's age, oldest first: the eviction order.
  std::map<Age, Keys::iterator> by_newest_;
};

}  // namespace meshchat::p2p::kad
