// The libp2p daemon's DHT control messages, DHTRequest and DHTResponse (go-libp2p-daemon
// specs/DHT.md, pb/p2pd.proto; npm @libp2p/daemon-protocol src/index.proto). Pure codec.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2pd/control.hpp"

namespace meshchat::p2pd {

// DHTRequest.Type; never renumber (wire values). FIND_PEERS_CONNECTED_TO_PEER is removed from
// the spec but keeps its number so that a client sending it gets a clean "unsupported" answer.
enum class DhtRequestType : std::uint32_t {
  find_peer = 0,
  find_peers_connected_to_peer = 1,
  find_providers = 2,
  get_closest_peers = 3,
  get_public_key = 4,
  get_value = 5,
  search_value = 6,
  put_value = 7,
  provide = 8,
};

// The schema marks every field `optional` (proto3 presence), so an empty key or value that was
// sent stays distinguishable from one that was not.
struct DhtRequest {
  DhtRequestType type = DhtRequestType::find_peer;
  std::optional<Bytes> peer;            // 2: binary PeerId
  std::optional<Bytes> cid;             // 3: binary CID
  std::optional<Bytes> key;             // 4
  std::optional<Bytes> value;           // 5
  std::optional<std::int32_t> count;    // 6
  std::optional<std::int64_t> timeout;  // 7: seconds
  bool operator==(const DhtRequest&) const = default;
};

// DHTResponse.Type; never renumber (wire values). A stream of results is BEGIN, VALUE…, END.
enum class DhtResponseType : std::uint32_t { begin = 0, value = 1, end = 2 };

struct DhtResponse {
  DhtResponseType type = DhtResponseType::begin;
  std::optional<PeerInfo> peer;  // 2
  std::optional<Bytes> value;    // 3
  bool operator==(const DhtResponse&) const = default;
};

// Message bodies, without the length prefix (frame() adds it). As in control.hpp, `type` is
// always written, also when it is 0. int32 and int64 travel as protobuf varints, a negative value
// as ten bytes of two's complement; an int32 keeps the low 32 bits of its varint, as protobuf
// parsers do. Decoders skip unknown fields; a field that occurs twice keeps the last occurrence.
// Decode errors: unknown_type, too_many_items (PeerInfo addrs above kMaxListItems), and
// protobuf::Error truncated, bad_varint, bad_wire_type, bad_field_number, wrong_wire_type.
Bytes encode(const DhtRequest& request);
Bytes encode(const DhtResponse& response);
Result<DhtRequest> decode_dht_request(ByteView body);
Result<DhtResponse> decode_dht_response(ByteView body);

}  // namespace meshchat::p2pd
