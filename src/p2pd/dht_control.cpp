#include "p2pd/dht_control.hpp"

#include <utility>

#include "core/protobuf.hpp"

namespace meshchat::p2pd {

namespace {

using protobuf::Field;
using protobuf::WireType;

// Field numbers of pb/p2pd.proto's DHTRequest, DHTResponse and PeerInfo.
namespace field {
constexpr std::uint32_t kType = 1;
// DHTRequest
constexpr std::uint32_t kPeer = 2;
constexpr std::uint32_t kCid = 3;
constexpr std::uint32_t kKey = 4;
constexpr std::uint32_t kRequestValue = 5;
constexpr std::uint32_t kCount = 6;
constexpr std::uint32_t kTimeout = 7;
// DHTResponse
constexpr std::uint32_t kResponsePeer = 2;
constexpr std::uint32_t kResponseValue = 3;
// PeerInfo
constexpr std::uint32_t kPeerId = 1;
constexpr std::uint32_t kPeerAddrs = 2;
}  // namespace field

constexpr std::uint32_t kLastRequestType = static_cast<std::uint32_t>(DhtRequestType::provide);
constexpr std::uint32_t kLastResponseType = static_cast<std::uint32_t>(DhtResponseType::end);

// The helpers below mirror control.cpp's, which live in its anonymous namespace.

Result<void> expect(const Field& f, WireType type) {
  if (f.type != type) return fail(protobuf::Error::wrong_wire_type);
  return {};
}

Result<void> set_bytes(std::optional<Bytes>& out, const Field& f) {
  if (auto r = expect(f, WireType::length_delimited); !r) return r;
  out = Bytes(f.bytes.begin(), f.bytes.end());
  return {};
}

Result<std::uint32_t> take_type(const Field& f, std::uint32_t last) {
  if (auto r = expect(f, WireType::varint); !r) return fail(r.error());
  if (f.varint > last) return fail(Error::unknown_type);
  return static_cast<std::uint32_t>(f.varint);
}

// Calls on_field for every field; unknown fields are the callback's to skip.
template <class OnField>
Result<void> for_each_field(ByteView body, OnField on_field) {
  protobuf::Reader reader(body);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) return {};
    if (auto r = on_field(**next); !r) return r;
  }
}

// A negative int32 is sign-extended to 64 bits before it is written, as protobuf requires, so
// that every parser reads it back whether it expects int32 or int64.
std::uint64_t int32_wire(std::int32_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
}

Bytes encode_peer_info(const PeerInfo& m) {
  protobuf::Writer w;
  // proto3 `bytes id` without `optional`: written only when not empty, as protons does.
  if (!m.id.empty()) w.bytes_field(field::kPeerId, m.id);
  for (const auto& addr : m.addrs) w.bytes_field(field::kPeerAddrs, addr);
  return w.take();
}

Result<PeerInfo> decode_peer_info(ByteView body) {
  PeerInfo m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    if (f.number != field::kPeerId && f.number != field::kPeerAddrs) return {};
    if (auto e = expect(f, WireType::length_delimited); !e) return e;
    if (f.number == field::kPeerId) {
      m.id.assign(f.bytes.begin(), f.bytes.end());
      return {};
    }
    if (m.addrs.size() >= kMaxListItems) return fail(Error::too_many_items);
    m.addrs.emplace_back(f.bytes.begin(), f.bytes.end());
    return {};
  });
  if (!r) return fail(r.error());
  return m;
}

}  // namespace

Bytes encode(const DhtRequest& m) {
  protobuf::Writer w;
  w.varint_field(field::kType, static_cast<std::uint32_t>(m.type));
  if (m.peer) w.bytes_field(field::kPeer, *m.peer);
  if (m.cid) w.bytes_field(field::kCid, *m.cid);
  if (m.key) w.bytes_field(field::kKey, *m.key);
  if (m.value) w.bytes_field(field::kRequestValue, *m.value);
  if (m.count) w.varint_field(field::kCount, int32_wire(*m.count));
  if (m.timeout) w.varint_field(field::kTimeout, static_cast<std::uint64_t>(*m.timeout));
  return w.take();
}

Bytes encode(const DhtResponse& m) {
  protobuf::Writer w;
  w.varint_field(field::kType, static_cast<std::uint32_t>(m.type));
  if (m.peer) w.bytes_field(field::kResponsePeer, encode_peer_info(*m.peer));
  if (m.value) w.bytes_field(field::kResponseValue, *m.value);
  return w.take();
}

Result<DhtRequest> decode_dht_request(ByteView body) {
  DhtRequest m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case field::kType: {
        auto t = take_type(f, kLastRequestType);
        if (!t) return fail(t.error());
        m.type = static_cast<DhtRequestType>(*t);
        return {};
      }
      case field::kPeer:
        return set_bytes(m.peer, f);
      case field::kCid:
        return set_bytes(m.cid, f);
      case field::kKey:
        return set_bytes(m.key, f);
      case field::kRequestValue:
        return set_bytes(m.value, f);
      case field::kCount:
        if (auto e = expect(f, WireType::varint); !e) return e;
        // int32 keeps the low 32 bits, whether the sender sign-extended to 10 bytes or not.
        m.count = static_cast<std::int32_t>(static_cast<std::uint32_t>(f.varint));
        return {};
      case field::kTimeout:
        if (auto e = expect(f, WireType::varint); !e) return e;
        m.timeout = static_cast<std::int64_t>(f.varint);  // two's complement
        return {};
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Result<DhtResponse> decode_dht_response(ByteView body) {
  DhtResponse m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case field::kType: {
        auto t = take_type(f, kLastResponseType);
        if (!t) return fail(t.error());
        m.type = static_cast<DhtResponseType>(*t);
        return {};
      }
      case field::kResponsePeer: {
        if (auto e = expect(f, WireType::length_delimited); !e) return e;
        auto peer = decode_peer_info(f.bytes);
        if (!peer) return fail(peer.error());
        m.peer = std::move(*peer);
        return {};
      }
      case field::kResponseValue:
        return set_bytes(m.value, f);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

}  // namespace meshchat::p2pd
