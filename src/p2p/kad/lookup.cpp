#include "p2p/kad/lookup.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace meshchat::p2p::kad {

Lookup::Lookup(KadKey target, std::vector<crypto::PeerId> seeds, std::size_t k,
               std::size_t concurrency)
    : target_(target), k_(k), concurrency_(concurrency), max_candidates_(kMaxCandidatesPerK * k) {
  assert(concurrency > 0 && "a lookup without concurrency never makes progress");
  for (const auto& seed : seeds) insert(seed);
  trim();
}

std::vector<crypto::PeerId> Lookup::next_queries() {
  std::vector<crypto::PeerId> out;
  std::size_t considered = 0;
  for (auto& candidate : candidates_) {
    if (in_flight_ >= concurrency_ || considered == k_) break;
    if (candidate.state == State::failed) continue;
    ++considered;
    if (candidate.state != State::waiting) continue;
    candidate.state = State::in_flight;
    ++in_flight_;
    out.push_back(candidate.peer);
  }
  return out;
}

void Lookup::on_response(const crypto::PeerId& from, const std::vector<crypto::PeerId>& closer) {
  if (!settle(from, State::responded)) return;
  for (const auto& peer : closer) insert(peer);
  trim();
}

void Lookup::on_failure(const crypto::PeerId& from) {
  settle(from, State::failed);
}

void Lookup::exclude(const crypto::PeerId& peer) {
  if (std::find(excluded_.begin(), excluded_.end(), peer) == excluded_.end()) {
    excluded_.push_back(peer);
  }
  auto it = find(peer);
  if (it == candidates_.end()) return;
  if (it->state == State::in_flight) --in_flight_;
  candidates_.erase(it);
}

bool Lookup::finished() const {
  std::size_t considered = 0;
  for (const auto& candidate : candidates_) {
    if (considered == k_) break;
    if (candidate.state == State::failed) continue;
    if (candidate.state != State::responded) return false;
    ++considered;
  }
  return true;
}

std::vector<crypto::PeerId> Lookup::closest_responded() const {
  std::vector<crypto::PeerId> out;
  for (const auto& candidate : candidates_) {
    if (out.size() == k_) break;
    if (candidate.state == State::responded) out.push_back(candidate.peer);
  }
  return out;
}

Lookup::Candidates::iterator Lookup::position_of(const KadKey& key) {
  return std::lower_bound(candidates_.begin(), candidates_.end(), key,
                          [&](const Candidate& candidate, const KadKey& other) {
                            return closer_to(target_, candidate.key, other);
                          });
}

Lookup::Candidates::iterator Lookup::find(const crypto::PeerId& peer) {
  auto key = KadKey::of(peer);
  auto it = position_of(key);
  if (it != candidates_.end() && it->key == key && it->peer == peer) return it;
  return candidates_.end();
}

void Lookup::insert(const crypto::PeerId& peer) {
  if (std::find(excluded_.begin(), excluded_.end(), peer) != excluded_.end()) return;
  auto key = KadKey::of(peer);
  auto it = position_of(key);
  // Equal distance means equal key, which for distinct peers would need a sha256 collision.
  if (it != candidates_.end() && it->key == key) return;
  candidates_.insert(it, Candidate{peer, key, State::waiting});
}

bool Lookup::settle(const crypto::PeerId& peer, State outcome) {
  auto it = find(peer);
  if (it == candidates_.end() || it->state != State::in_flight) return false;
  it->state = outcome;
  --in_flight_;
  return true;
}

void Lookup::trim() {
  if (candidates_.size() <= max_candidates_) return;
  // Walk back from the farthest until enough droppable candidates are behind us, then drop
  // them all. In-flight ones stay so that their answers are still accepted and counted.
  std::size_t excess = candidates_.size() - max_candidates_;
  auto cut = candidates_.end();
  while (excess > 0 && cut != candidates_.begin()) {
    --cut;
    if (cut->state != State::in_flight) --excess;
  }
  auto kept_end = std::remove_if(cut, candidates_.end(), [](const Candidate& candidate) {
    return candidate.state != State::in_flight;
  });
  candidates_.erase(kept_end, candidates_.end());
}

}  // namespace meshchat::p2p::kad
