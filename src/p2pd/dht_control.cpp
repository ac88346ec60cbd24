#include "p2pd/dht_control.hpp"

#include <utility>

#include "core/protobuf.hpp"
#include "p2pd/fields.hpp"

namespace meshchat::p2pd {

namespace {

using namespace fields;

// Field numbers of pb/p2pd.proto's DHTRequest and DHTResponse.
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
}  // namespace field

constexpr std::uint32_t kLastRequestType = static_cast<std::uint32_t>(DhtRequestType::provide);
constexpr std::uint32_t kLastResponseType = static_cast<std::uint32_t>(DhtResponseType::end);

// A negative int32 is sign-extended to 64 bits before it is written, as protobuf requires, so
// that every parser reads it back whether it expects int32 or int64.
std::uint64_t int32_wire(std::int32_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
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
  if (m.peer) w.bytes_field(field::kResponsePeer, encode_id_addrs(*m.peer));
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
      case field::kResponsePeer:
        return sub_message(m.peer, f, decode_id_addrs<PeerInfo>);
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
