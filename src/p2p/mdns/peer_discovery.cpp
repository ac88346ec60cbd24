#include "p2p/mdns/peer_discovery.hpp"

#include <algorithm>
#include <array>

namespace meshchat::p2p::mdns {

namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kPeerNameLength = 32;
constexpr std::size_t kMaxTxtString = 255;

Name service_name() {
  return Name::parse(kServiceName);
}

Name instance_name(const LocalPeer& self) {
  Name name = service_name();
  name.labels.insert(name.labels.begin(), self.name);
  return name;
}

// <label>._p2p._udp.local, compared as DNS compares names.
bool is_service_instance(const Name& name) {
  const Name service = service_name();
  if (name.labels.size() != service.labels.size() + 1) return false;
  Name suffix{std::vector<std::string>(name.labels.begin() + 1, name.labels.end())};
  return suffix.equals(service);
}

bool asks_for(const Question& question, const Name& name, RecordType type) {
  const auto wanted = static_cast<std::uint16_t>(type);
  const auto any = static_cast<std::uint16_t>(RecordType::any);
  return (question.type == wanted || question.type == any) && question.name.equals(name);
}

Record ptr_record(Name owner, Name target) {
  return Record{.name = std::move(owner),
                .type = static_cast<std::uint16_t>(RecordType::ptr),
                .klass = kClassIn,
                .cache_flush = false,  // shared record: many peers answer for the service
                .ttl = kRecordTtlSeconds,
                .data = PtrData{std::move(target)}};
}

Record txt_record(const LocalPeer& self) {
  TxtData txt;
  auto p2p = Multiaddr::p2p(self.peer.bytes());
  for (const auto& address : self.addresses) {
    if (!p2p) break;
    auto attribute = std::string(kDnsaddrPrefix) + address.encapsulate(*p2p).to_string();
    if (attribute.size() <= kMaxTxtString) txt.strings.push_back(std::move(attribute));
  }
  return Record{.name = instance_name(self),
                .type = static_cast<std::uint16_t>(RecordType::txt),
                .klass = kClassIn,
                .cache_flush = true,  // unique record: only we own our instance name
                .ttl = kRecordTtlSeconds,
                .data = std::move(txt)};
}

DnsMessage response_header() {
  DnsMessage message;
  message.response = true;
  message.authoritative = true;
  return message;
}

}  // namespace

std::string random_peer_name(Rng& rng) {
  std::array<std::uint8_t, kPeerNameLength> random{};
  rng.fill(random);
  std::string name;
  name.reserve(kPeerNameLength);
  // 256 is not a multiple of 36: the first 4 letters come up slightly more often, which costs
  // a uniqueness label nothing.
  for (auto byte : random) name.push_back(kAlphabet[byte % kAlphabet.size()]);
  return name;
}

DnsMessage make_query() {
  DnsMessage query;
  query.questions.push_back(Question{.name = service_name(),
                                     .type = static_cast<std::uint16_t>(RecordType::ptr),
                                     .klass = kClassIn,
                                     .unicast_response = false});
  return query;
}

std::optional<DnsMessage> make_response(const DnsMessage& query, const LocalPeer& self) {
  if (query.response) return std::nullopt;
  const Name service = service_name();
  const Name instance = instance_name(self);
  const Name meta = Name::parse(kMetaQueryName);
  DnsMessage response = response_header();
  bool describe = false;
  for (const auto& question : query.questions) {
    if (asks_for(question, service, RecordType::ptr)) {
      response.answers.push_back(ptr_record(service, instance));
      describe = true;
    } else if (asks_for(question, instance, RecordType::txt)) {
      response.answers.push_back(txt_record(self));
    } else if (asks_for(question, meta, RecordType::ptr)) {
      response.answers.push_back(ptr_record(meta, service));
    }
  }
  if (response.answers.empty()) return std::nullopt;
  if (describe) response.additionals.push_back(txt_record(self));
  return response;
}

DnsMessage make_announcement(const LocalPeer& self) {
  DnsMessage announcement = response_header();
  announcement.answers.push_back(ptr_record(service_name(), instance_name(self)));
  announcement.additionals.push_back(txt_record(self));
  return announcement;
}

std::vector<DiscoveredPeer> discovered_peers(const DnsMessage& response,
                                             const crypto::PeerId& self) {
  std::vector<DiscoveredPeer> peers;
  if (!response.response) return peers;
  auto learn = [&](const Record& record) {
    const auto* txt = std::get_if<TxtData>(&record.data);
    if (txt == nullptr || !is_service_instance(record.name)) return;
    for (const auto& attribute : txt->strings) {
      if (!attribute.starts_with(kDnsaddrPrefix)) continue;
      auto address = Multiaddr::parse(std::string_view(attribute).substr(kDnsaddrPrefix.size()));
      if (!address) continue;
      auto multihash = address->peer_id_multihash();
      if (!multihash) continue;
      auto peer = crypto::PeerId::from_bytes(*multihash);
      if (!peer || *peer == self) continue;
      auto found = std::find_if(peers.begin(), peers.end(),
                                [&](const DiscoveredPeer& known) { return known.peer == *peer; });
      if (found == peers.end()) {
        if (peers.size() == kMaxPeersPerResponse) continue;
        peers.push_back(DiscoveredPeer{std::move(*peer), {}});
        found = peers.end() - 1;
      }
      auto bare = address->without_peer_id();
      if (found->addresses.size() < kMaxAddressesPerPeer &&
          std::find(found->addresses.begin(), found->addresses.end(), bare) ==
              found->addresses.end()) {
        found->addresses.push_back(std::move(bare));
      }
    }
  };
  for (const auto& record : response.answers) learn(record);
  for (const auto& record : response.additionals) learn(record);
  return peers;
}

}  // namespace meshchat::p2p::mdns
