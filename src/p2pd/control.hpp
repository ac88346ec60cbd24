// The libp2p daemon control protocol codec (go-libp2p-daemon specs/CONTROL.md, pb/p2pd.proto;
// the same schema as npm @libp2p/daemon-protocol src/index.proto). Pure: bytes in, structs out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/length_prefixed.hpp"
#include "core/result.hpp"

namespace meshchat::p2pd {

// go-libp2p's network.MessageSizeMax, which p2pd and its clients use for control messages.
inline constexpr std::size_t kMaxMessageBytes = 4 * 1024 * 1024;
// Per repeated field (addresses, protocols, peers). The daemon holds at most a few hundred
// connections and a request names a handful of addresses or protocols; the cap bounds the
// allocations that a 4 MiB message of tiny entries could otherwise cause.
inline constexpr std::size_t kMaxListItems = 4096;

enum class Error {
  too_large = 1,   // a length prefix above kMaxMessageBytes
  unknown_type,    // Request.type or Response.type outside the schema's enum
  too_many_items,  // a repeated field with more than kMaxListItems entries
  truncated,       // the stream ended inside a message
  // Local configuration (the server's endpoints), not wire input:
  bad_endpoint,   // an address that is neither /unix/PATH nor /ip4|ip6/…/tcp/PORT
  not_loopback,   // a TCP control endpoint outside 127.0.0.0/8 and ::1
  not_a_socket,   // the /unix path exists and is not a socket: refuse to remove it
  path_too_long,  // the /unix path does not fit in sockaddr_un
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// Request.Type; never renumber (wire values).
enum class RequestType : std::uint32_t {
  identify = 0,
  connect = 1,
  stream_open = 2,
  stream_handler = 3,
  dht = 4,
  list_peers = 5,
  connmanager = 6,
  disconnect = 7,
  pubsub = 8,
  peerstore = 9,
};
const char* to_string(RequestType type);

// Response.Type; never renumber (wire values).
enum class ResponseType : std::uint32_t { ok = 0, error = 1 };

// Peer ids and multiaddrs stay in their binary form here; the server validates them.
struct ConnectRequest {
  Bytes peer;
  std::vector<Bytes> addrs;
  std::optional<std::int64_t> timeout;  // seconds
  bool operator==(const ConnectRequest&) const = default;
};

struct StreamOpenRequest {
  Bytes peer;
  std::vector<std::string> protos;
  std::optional<std::int64_t> timeout;  // seconds
  bool operator==(const StreamOpenRequest&) const = default;
};

struct StreamHandlerRequest {
  Bytes addr;
  std::vector<std::string> protos;
  bool operator==(const StreamHandlerRequest&) const = default;
};

struct DisconnectRequest {
  Bytes peer;
  bool operator==(const DisconnectRequest&) const = default;
};

// The DHT, connection manager, pubsub and peerstore sub-messages are kept as their encoded
// bytes: this daemon answers those requests with an error and only needs to know they came.
struct Request {
  RequestType type = RequestType::identify;
  std::optional<ConnectRequest> connect;
  std::optional<StreamOpenRequest> stream_open;
  std::optional<StreamHandlerRequest> stream_handler;
  std::optional<Bytes> dht;
  std::optional<Bytes> conn_manager;
  std::optional<DisconnectRequest> disconnect;
  std::optional<Bytes> pubsub;
  std::optional<Bytes> peer_store;
  bool operator==(const Request&) const = default;
};

struct ErrorResponse {
  std::string msg;
  bool operator==(const ErrorResponse&) const = default;
};

struct StreamInfo {
  Bytes peer;
  Bytes addr;
  std::string proto;
  bool operator==(const StreamInfo&) const = default;
};

struct IdentifyResponse {
  Bytes id;
  std::vector<Bytes> addrs;
  bool operator==(const IdentifyResponse&) const = default;
};

struct PeerInfo {
  Bytes id;
  std::vector<Bytes> addrs;
  bool operator==(const PeerInfo&) const = default;
};

struct Response {
  ResponseType type = ResponseType::ok;
  std::optional<ErrorResponse> error;
  std::optional<StreamInfo> stream_info;
  std::optional<IdentifyResponse> identify;
  std::optional<Bytes> dht;
  std::vector<PeerInfo> peers;
  std::optional<Bytes> pubsub;
  std::optional<Bytes> peer_store;
  bool operator==(const Response&) const = default;
};

Response ok_response();
Response error_response(std::string message);

// Message bodies, without the length prefix. `type` is always written, also when it is 0: the
// js client treats a Response without one as an error. Decoders skip unknown fields; a
// sub-message that occurs twice keeps the last occurrence.
// Decode errors: unknown_type, too_many_items, and protobuf::Error truncated, bad_varint,
// bad_wire_type, bad_field_number, wrong_wire_type.
Bytes encode(const Request& request);
Bytes encode(const Response& response);
Bytes encode(const StreamInfo& info);
Result<Request> decode_request(ByteView body);
Result<Response> decode_response(ByteView body);
Result<StreamInfo> decode_stream_info(ByteView body);

// The body behind an unsigned-varint length prefix, as the control socket carries it.
Bytes frame(ByteView body);

// The control socket's framing: varint-delimited messages of at most kMaxMessageBytes. After
// STREAM_OPEN the bytes behind the request are the start of the stream (take_remaining()).
// Errors (sticky): too_large, and varint::Error overflow and not_minimal for a length prefix.
class FrameReader : public LengthPrefixedReader {
 public:
  FrameReader() : LengthPrefixedReader(kMaxMessageBytes, make_error_code(Error::too_large)) {}
};

}  // namespace meshchat::p2pd

MESHCHAT_REGISTER_ERROR_CODE(meshchat::p2pd::Error)
