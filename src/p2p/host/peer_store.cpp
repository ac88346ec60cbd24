#include "p2p/host/peer_store.hpp"

#include <algorithm>

namespace meshchat::p2p {

PeerRecord& PeerStore::record(const crypto::PeerId& peer) {
  auto it = records_.find(peer);
  if (it != records_.end()) return it->second;
  if (records_.size() >= kMaxPeers && !insertion_order_.empty()) {
    records_.erase(insertion_order_.front());
    insertion_order_.erase(insertion_order_.begin());
  }
  insertion_order_.push_back(peer);
  return records_[peer];
}

void PeerStore::add_addresses(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses) {
  auto& known = record(peer).addresses;
  for (auto it = addresses.rbegin(); it != addresses.rend(); ++it) {
    Multiaddr address = it->without_peer_id();
    known.erase(std::remove(known.begin(), known.end(), address), known.end());
    known.insert(known.begin(), std::move(address));
  }
  if (known.size() > kMaxAddressesPerPeer) known.resize(kMaxAddressesPerPeer);
}

const PeerRecord* PeerStore::find(const crypto::PeerId& peer) const {
  auto it = records_.find(peer);
  return it == records_.end() ? nullptr : &it->second;
}

std::vector<crypto::PeerId> PeerStore::peers() const {
  return insertion_order_;
}

}  // namespace meshchat::p2p
