// libp2p peer discovery over multicast DNS (libp2p/specs discovery/mdns.md) as pure functions:
// the query a node multicasts, the response it owes a query, and the peers a response describes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/multiaddr.hpp"
#include "core/rng.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/mdns/dns_message.hpp"

namespace meshchat::p2p::mdns {

// The DNS-SD service every libp2p node answers for, and the DNS-SD meta query (RFC 6763 §9).
inline constexpr std::string_view kServiceName = "_p2p._udp.local";
inline constexpr std::string_view kMetaQueryName = "_services._dns-sd._udp.local";
// Record lifetime we announce (RFC 6762 §10 recommends 120 s for records naming hosts).
inline constexpr std::uint32_t kRecordTtlSeconds = 120;
// What one response may teach us: more peers or addresses than this are ignored.
inline constexpr std::size_t kMaxPeersPerResponse = 16;
inline constexpr std::size_t kMaxAddressesPerPeer = 16;
// The TXT attribute prefix that carries one multiaddr.
inline constexpr std::string_view kDnsaddrPrefix = "dnsaddr=";

struct LocalPeer {
  crypto::PeerId peer;
  // The <peer-name> label: random, lower-case alphanumeric, one per run (random_peer_name()).
  std::string name;
  // Addresses to announce, without /p2p (it is appended); only those whose dnsaddr attribute
  // fits a TXT string (255 bytes) are announced.
  std::vector<Multiaddr> addresses;
};

struct DiscoveredPeer {
  crypto::PeerId peer;
  std::vector<Multiaddr> addresses;  // without /p2p, in the order announced
  bool operator==(const DiscoveredPeer&) const = default;
};

// 32 characters from [a-z0-9], as the spec asks (not the PeerId: it may outgrow a DNS label).
std::string random_peer_name(Rng& rng);

// The question every node multicasts: `_p2p._udp.local PTR`.
DnsMessage make_query();

// Our answer to `query`, or nullopt when it asks nothing we answer (responses are never
// answered). We answer `_p2p._udp.local PTR` (and ANY) with the PTR to our instance plus its
// TXT record as additional; a TXT (or ANY) question for our instance name with the TXT; and
// the meta query with the PTR to the service.
std::optional<DnsMessage> make_response(const DnsMessage& query, const LocalPeer& self);

// An unsolicited response announcing `self` (sent at start, RFC 6762 §8.3).
DnsMessage make_announcement(const LocalPeer& self);

// The peers a response describes: every TXT record (answers and additionals) owned by an
// instance of the service, whose `dnsaddr=` attributes parse as multiaddrs ending in /p2p/<id>;
// addresses are grouped by that PeerId. Attributes that do not parse, or whose /p2p is missing,
// are skipped; `self` is left out. Queries describe nobody.
std::vector<DiscoveredPeer> discovered_peers(const DnsMessage& response,
                                             const crypto::PeerId& self);

}  // namespace meshchat::p2p::mdns
