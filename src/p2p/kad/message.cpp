#include "p2p/kad/message.hpp"

#include <cassert>

#include "core/protobuf.hpp"

namespace meshchat::p2p::kad {

namespace {

// Field numbers (kad-dht/README.md "RPC messages"). Record fields 3 and 4 (author, signature)
// were removed from the spec; Message field 10 (clusterLevelRaw) is unused. All are skipped.
namespace message_field {
constexpr std::uint32_t kType = 1;
constexpr std::uint32_t kKey = 2;
constexpr std::uint32_t kRecord = 3;
constexpr std::uint32_t kCloserPeers = 8;
constexpr std::uint32_t kProviderPeers = 9;
}  // namespace message_field

namespace record_field {
constexpr std::uint32_t kKey = 1;
constexpr std::uint32_t kValue = 2;
constexpr std::uint32_t kTimeReceived = 5;
}  // namespace record_field

namespace peer_field {
constexpr std::uint32_t kId = 1;
constexpr std::uint32_t kAddrs = 2;
constexpr std::uint32_t kConnection = 3;
}  // namespace peer_field

constexpr auto kVarint = protobuf::WireType::varint;
constexpr auto kBytes = protobuf::WireType::length_delimited;
constexpr auto kLastMessageType = static_cast<std::uint64_t>(MessageType::ping);
constexpr auto kLastConnectionType = static_cast<std::uint64_t>(ConnectionType::cannot_connect);

Result<void> check_record(const Record& record) {
  if (record.key.size() > kMaxKeyBytes) return fail(Error::key_too_large);
  if (record.value.size() > kMaxValueBytes) return fail(Error::value_too_large);
  if (record.time_received.size() > kMaxTimeReceivedBytes) {
    return fail(Error::time_received_too_large);
  }
  return {};
}

Result<void> check_peers(const std::vector<PeerEntry>& peers) {
  if (peers.size() > kMaxPeersPerList) return fail(Error::too_many_peers);
  for (const auto& peer : peers) {
    if (peer.id.size() > kMaxPeerIdBytes) return fail(Error::peer_id_too_large);
    if (peer.addrs.size() > kMaxAddressesPerPeer) return fail(Error::too_many_addresses);
    for (const auto& addr : peer.addrs) {
      if (addr.size() > kMaxAddressBytes) return fail(Error::address_too_large);
    }
  }
  return {};
}

Result<void> check_limits(const Message& message) {
  if (message.key.size() > kMaxKeyBytes) return fail(Error::key_too_large);
  if (message.record) {
    if (auto r = check_record(*message.record); !r) return r;
  }
  if (auto r = check_peers(message.closer_peers); !r) return r;
  return check_peers(message.provider_peers);
}

Bytes encode_record(const Record& record) {
  protobuf::Writer w;
  if (!record.key.empty()) w.bytes_field(record_field::kKey, record.key);
  if (!record.value.empty()) w.bytes_field(record_field::kValue, record.value);
  if (!record.time_received.empty()) {
    w.string_field(record_field::kTimeReceived, record.time_received);
  }
  return w.take();
}

Bytes encode_peer(const PeerEntry& peer) {
  protobuf::Writer w;
  if (!peer.id.empty()) w.bytes_field(peer_field::kId, peer.id);
  for (const auto& addr : peer.addrs) w.bytes_field(peer_field::kAddrs, addr);
  if (peer.connection != ConnectionType::not_connected) {
    w.varint_field(peer_field::kConnection, static_cast<std::uint64_t>(peer.connection));
  }
  return w.take();
}

// Protobuf merge: each field present in `encoded` replaces the one in `into`, so a record sent
// twice (or in parts) decodes as protobuf implementations decode it.
Result<void> merge_record(ByteView encoded, Record& into) {
  protobuf::Reader reader(encoded);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) return {};
    const protobuf::Field& f = **next;
    switch (f.number) {
      case record_field::kKey:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxKeyBytes) return fail(Error::key_too_large);
        into.key.assign(f.bytes.begin(), f.bytes.end());
        break;
      case record_field::kValue:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxValueBytes) return fail(Error::value_too_large);
        into.value.assign(f.bytes.begin(), f.bytes.end());
        break;
      case record_field::kTimeReceived:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxTimeReceivedBytes) return fail(Error::time_received_too_large);
        into.time_received = std::string(as_string(f.bytes));
        break;
      default:
        break;  // unknown field: skipped, as protobuf requires
    }
  }
}

Result<PeerEntry> decode_peer(ByteView encoded) {
  PeerEntry peer;
  protobuf::Reader reader(encoded);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) return peer;
    const protobuf::Field& f = **next;
    switch (f.number) {
      case peer_field::kId:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxPeerIdBytes) return fail(Error::peer_id_too_large);
        peer.id.assign(f.bytes.begin(), f.bytes.end());
        break;
      case peer_field::kAddrs:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxAddressBytes) return fail(Error::address_too_large);
        if (peer.addrs.size() == kMaxAddressesPerPeer) return fail(Error::too_many_addresses);
        peer.addrs.emplace_back(f.bytes.begin(), f.bytes.end());
        break;
      case peer_field::kConnection:
        if (f.type != kVarint) return fail(protobuf::Error::wrong_wire_type);
        // Advisory only, and newer peers may add values: an unknown one means "no information".
        peer.connection = f.varint <= kLastConnectionType ? static_cast<ConnectionType>(f.varint)
                                                          : ConnectionType::not_connected;
        break;
      default:
        break;  // unknown field: skipped, as protobuf requires
    }
  }
}

Result<void> append_peer(const protobuf::Field& f, std::vector<PeerEntry>& peers) {
  if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
  if (peers.size() == kMaxPeersPerList) return fail(Error::too_many_peers);
  auto peer = decode_peer(f.bytes);
  if (!peer) return fail(peer.error());
  peers.push_back(std::move(*peer));
  return {};
}

}  // namespace

Result<Bytes> encode_body(const Message& message) {
  assert(static_cast<std::uint64_t>(message.type) <= kLastMessageType);
  if (auto r = check_limits(message); !r) return fail(r.error());
  protobuf::Writer w;
  w.varint_field(message_field::kType, static_cast<std::uint64_t>(message.type));
  if (!message.key.empty()) w.bytes_field(message_field::kKey, message.key);
  if (message.record) w.bytes_field(message_field::kRecord, encode_record(*message.record));
  for (const auto& peer : message.closer_peers) {
    w.bytes_field(message_field::kCloserPeers, encode_peer(peer));
  }
  for (const auto& peer : message.provider_peers) {
    w.bytes_field(message_field::kProviderPeers, encode_peer(peer));
  }
  if (w.bytes().size() > kMaxMessageBytes) return fail(Error::message_too_large);
  return w.take();
}

Result<Message> decode_body(ByteView body) {
  if (body.size() > kMaxMessageBytes) return fail(Error::message_too_large);
  Message message;
  message.type = MessageType::put_value;  // proto3 default when the field is absent
  protobuf::Reader reader(body);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) return message;
    const protobuf::Field& f = **next;
    switch (f.number) {
      case message_field::kType:
        if (f.type != kVarint) return fail(protobuf::Error::wrong_wire_type);
        if (f.varint > kLastMessageType) return fail(Error::bad_message_type);
        message.type = static_cast<MessageType>(f.varint);
        break;
      case message_field::kKey:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (f.bytes.size() > kMaxKeyBytes) return fail(Error::key_too_large);
        message.key.assign(f.bytes.begin(), f.bytes.end());
        break;
      case message_field::kRecord:
        if (f.type != kBytes) return fail(protobuf::Error::wrong_wire_type);
        if (!message.record) message.record.emplace();
        if (auto r = merge_record(f.bytes, *message.record); !r) return fail(r.error());
        break;
      case message_field::kCloserPeers:
        if (auto r = append_peer(f, message.closer_peers); !r) return fail(r.error());
        break;
      case message_field::kProviderPeers:
        if (auto r = append_peer(f, message.provider_peers); !r) return fail(r.error());
        break;
      default:
        break;  // unknown field or clusterLevelRaw: skipped, as protobuf requires
    }
  }
}

}  // namespace meshchat::p2p::kad
