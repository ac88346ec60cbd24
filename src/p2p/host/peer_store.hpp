// PeerStore: what the host knows about other peers (addresses, protocols, keys, agent), fed by
// dials, identify and later by discovery. Bounded so a hostile peer cannot grow it without limit.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/multiaddr.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p {

struct PeerRecord {
  std::vector<Multiaddr> addresses;  // most recently learned first
  std::vector<std::string> protocols;
  std::string agent_version;
  std::string protocol_version;
  std::optional<crypto::PublicKey> public_key;
  std::optional<Multiaddr> observed_address;  // how that peer sees us
};

class PeerStore {
 public:
  // Enough for a chat node's contacts and the peers it meets; the oldest entry goes first.
  static constexpr std::size_t kMaxPeers = 4096;
  // Peers rarely have more than a handful of useful addresses; identify may carry dozens.
  static constexpr std::size_t kMaxAddressesPerPeer = 16;
  static constexpr std::size_t kMaxProtocolsPerPeer = 128;

  void add_addresses(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses);
  PeerRecord& record(const crypto::PeerId& peer);
  const PeerRecord* find(const crypto::PeerId& peer) const;
  std::vector<crypto::PeerId> peers() const;
  std::size_t size() const { return records_.size(); }

 private:
  std::unordered_map<crypto::PeerId, PeerRecord> records_;
  std::vector<crypto::PeerId> insertion_order_;
};

}  // namespace meshchat::p2p
