#include "p2p/kad/provider_store.hpp"

#include <algorithm>

namespace meshchat::p2p::kad {

ProviderStore::ProviderStore(std::size_t max_keys, std::size_t max_providers_per_key, Duration ttl)
    : max_keys_(max_keys), max_providers_per_key_(max_providers_per_key), ttl_(ttl) {}

void ProviderStore::add(Bytes key, crypto::PeerId provider, TimePoint now) {
  if (max_keys_ == 0 || max_providers_per_key_ == 0) return;
  Age added{now, next_sequence_++};
  auto it = keys_.find(as_string(key));
  if (it == keys_.end()) {
    if (keys_.size() >= max_keys_) {
      auto evicted = by_newest_.begin()->second;
      unindex(evicted);
      keys_.erase(evicted);
    }
    it = keys_.emplace(std::string(as_string(key)), Providers{}).first;
  } else {
    unindex(it);
  }
  auto& providers = it->second;
  auto existing = std::find_if(providers.begin(), providers.end(),
                               [&](const Provider& p) { return p.peer == provider; });
  if (existing != providers.end()) {
    providers.erase(existing);
  } else if (providers.size() >= max_providers_per_key_) {
    providers.erase(providers.begin());
  }
  providers.push_back(Provider{std::move(provider), added});
  reindex(it);
  // Purging after the add keeps the key non-empty, so `it` stays valid.
  purge_expired(it, now);
}

std::vector<crypto::PeerId> ProviderStore::providers(ByteView key, TimePoint now,
                                                     std::size_t limit) {
  auto it = keys_.find(as_string(key));
  if (it == keys_.end()) return {};
  if (!purge_expired(it, now)) return {};
  std::vector<crypto::PeerId> out;
  const auto& providers = it->second;
  for (auto p = providers.rbegin(); p != providers.rend() && out.size() < limit; ++p) {
    out.push_back(p->peer);
  }
  return out;
}

bool ProviderStore::purge_expired(Keys::iterator it, TimePoint now) {
  auto& providers = it->second;
  auto expired = [&](const Provider& p) { return now - p.added.first > ttl_; };
  if (std::none_of(providers.begin(), providers.end(), expired)) return true;
  unindex(it);
  std::erase_if(providers, expired);
  if (providers.empty()) {
    keys_.erase(it);
    return false;
  }
  reindex(it);
  return true;
}

void ProviderStore::unindex(Keys::iterator it) {
  if (!it->second.empty()) by_newest_.erase(it->second.back().added);
}

void ProviderStore::reindex(Keys::iterator it) {
  if (!it->second.empty()) by_newest_.emplace(it->second.back().added, it);
}

}  // namespace meshchat::p2p::kad
