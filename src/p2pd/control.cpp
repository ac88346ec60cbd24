#include "p2pd/control.hpp"

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "p2pd/fields.hpp"

namespace meshchat::p2pd {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::too_large:
      return "control message larger than 4 MiB";
    case Error::unknown_type:
      return "unknown control message type";
    case Error::too_many_items:
      return "too many entries in a control message list";
    case Error::truncated:
      return "control message truncated";
    case Error::bad_endpoint:
      return "address must be /unix/PATH or /ip4|ip6/ADDRESS/tcp/PORT";
    case Error::not_loopback:
      return "control endpoint must be a loopback address (127.0.0.0/8 or ::1)";
    case Error::not_a_socket:
      return "control socket path exists and is not a socket";
    case Error::path_too_long:
      return "unix socket path too long";
  }
  return "unknown p2pd control error";
}

using namespace fields;

// Field numbers of pb/p2pd.proto.
namespace field {
constexpr std::uint32_t kType = 1;
// Request
constexpr std::uint32_t kConnect = 2;
constexpr std::uint32_t kStreamOpen = 3;
constexpr std::uint32_t kStreamHandler = 4;
constexpr std::uint32_t kRequestDht = 5;
constexpr std::uint32_t kConnManager = 6;
constexpr std::uint32_t kDisconnect = 7;
constexpr std::uint32_t kRequestPubsub = 8;
constexpr std::uint32_t kRequestPeerStore = 9;
// Response
constexpr std::uint32_t kError = 2;
constexpr std::uint32_t kStreamInfo = 3;
constexpr std::uint32_t kIdentify = 4;
constexpr std::uint32_t kResponseDht = 5;
constexpr std::uint32_t kPeers = 6;
constexpr std::uint32_t kResponsePubsub = 7;
constexpr std::uint32_t kResponsePeerStore = 8;
}  // namespace field

constexpr std::uint32_t kLastRequestType = static_cast<std::uint32_t>(RequestType::peerstore);
constexpr std::uint32_t kLastResponseType = static_cast<std::uint32_t>(ResponseType::error);

Result<ConnectRequest> decode_connect(ByteView body) {
  ConnectRequest m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case 1:
        return set_bytes(m.peer, f);
      case 2:
        return add_bytes(m.addrs, f);
      case 3:
        return set_int64(m.timeout, f);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Result<StreamOpenRequest> decode_stream_open(ByteView body) {
  StreamOpenRequest m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case 1:
        return set_bytes(m.peer, f);
      case 2:
        return add_string(m.protos, f);
      case 3:
        return set_int64(m.timeout, f);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Result<StreamHandlerRequest> decode_stream_handler(ByteView body) {
  StreamHandlerRequest m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case 1:
        return set_bytes(m.addr, f);
      case 2:
        return add_string(m.protos, f);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Result<DisconnectRequest> decode_disconnect(ByteView body) {
  DisconnectRequest m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    if (f.number != 1) return {};
    return set_bytes(m.peer, f);
  });
  if (!r) return fail(r.error());
  return m;
}

Result<ErrorResponse> decode_error(ByteView body) {
  ErrorResponse m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    if (f.number != 1) return {};
    if (auto e = expect(f, WireType::length_delimited); !e) return e;
    m.msg = std::string(as_string(f.bytes));
    return {};
  });
  if (!r) return fail(r.error());
  return m;
}

Result<Bytes> opaque(ByteView body) {
  return Bytes(body.begin(), body.end());
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "p2pd", describe)

const char* to_string(RequestType type) {
  switch (type) {
    case RequestType::identify:
      return "IDENTIFY";
    case RequestType::connect:
      return "CONNECT";
    case RequestType::stream_open:
      return "STREAM_OPEN";
    case RequestType::stream_handler:
      return "STREAM_HANDLER";
    case RequestType::dht:
      return "DHT";
    case RequestType::list_peers:
      return "LIST_PEERS";
    case RequestType::connmanager:
      return "CONNMANAGER";
    case RequestType::disconnect:
      return "DISCONNECT";
    case RequestType::pubsub:
      return "PUBSUB";
    case RequestType::peerstore:
      return "PEERSTORE";
  }
  return "UNKNOWN";
}

Response ok_response() {
  return Response{};
}

Response error_response(std::string message) {
  Response r;
  r.type = ResponseType::error;
  r.error = ErrorResponse{std::move(message)};
  return r;
}

Bytes encode(const Request& m) {
  protobuf::Writer w;
  w.varint_field(field::kType, static_cast<std::uint32_t>(m.type));
  if (m.connect) {
    protobuf::Writer c;
    put_bytes(c, 1, m.connect->peer);
    for (const auto& addr : m.connect->addrs) c.bytes_field(2, addr);
    if (m.connect->timeout) c.varint_field(3, static_cast<std::uint64_t>(*m.connect->timeout));
    w.bytes_field(field::kConnect, c.bytes());
  }
  if (m.stream_open) {
    protobuf::Writer s;
    put_bytes(s, 1, m.stream_open->peer);
    for (const auto& proto : m.stream_open->protos) s.string_field(2, proto);
    if (m.stream_open->timeout) {
      s.varint_field(3, static_cast<std::uint64_t>(*m.stream_open->timeout));
    }
    w.bytes_field(field::kStreamOpen, s.bytes());
  }
  if (m.stream_handler) {
    protobuf::Writer s;
    put_bytes(s, 1, m.stream_handler->addr);
    for (const auto& proto : m.stream_handler->protos) s.string_field(2, proto);
    w.bytes_field(field::kStreamHandler, s.bytes());
  }
  if (m.dht) w.bytes_field(field::kRequestDht, *m.dht);
  if (m.conn_manager) w.bytes_field(field::kConnManager, *m.conn_manager);
  if (m.disconnect) {
    protobuf::Writer d;
    put_bytes(d, 1, m.disconnect->peer);
    w.bytes_field(field::kDisconnect, d.bytes());
  }
  if (m.pubsub) w.bytes_field(field::kRequestPubsub, *m.pubsub);
  if (m.peer_store) w.bytes_field(field::kRequestPeerStore, *m.peer_store);
  return w.take();
}

Bytes encode(const StreamInfo& m) {
  protobuf::Writer w;
  put_bytes(w, 1, m.peer);
  put_bytes(w, 2, m.addr);
  put_bytes(w, 3, as_bytes(m.proto));
  return w.take();
}

Bytes encode(const Response& m) {
  protobuf::Writer w;
  w.varint_field(field::kType, static_cast<std::uint32_t>(m.type));
  if (m.error) {
    protobuf::Writer e;
    put_bytes(e, 1, as_bytes(m.error->msg));
    w.bytes_field(field::kError, e.bytes());
  }
  if (m.stream_info) w.bytes_field(field::kStreamInfo, encode(*m.stream_info));
  if (m.identify) w.bytes_field(field::kIdentify, encode_id_addrs(*m.identify));
  if (m.dht) w.bytes_field(field::kResponseDht, *m.dht);
  for (const auto& peer : m.peers) w.bytes_field(field::kPeers, encode_id_addrs(peer));
  if (m.pubsub) w.bytes_field(field::kResponsePubsub, *m.pubsub);
  if (m.peer_store) w.bytes_field(field::kResponsePeerStore, *m.peer_store);
  return w.take();
}

Result<Request> decode_request(ByteView body) {
  Request m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case field::kType: {
        auto t = take_type(f, kLastRequestType);
        if (!t) return fail(t.error());
        m.type = static_cast<RequestType>(*t);
        return {};
      }
      case field::kConnect:
        return sub_message(m.connect, f, decode_connect);
      case field::kStreamOpen:
        return sub_message(m.stream_open, f, decode_stream_open);
      case field::kStreamHandler:
        return sub_message(m.stream_handler, f, decode_stream_handler);
      case field::kRequestDht:
        return sub_message(m.dht, f, opaque);
      case field::kConnManager:
        return sub_message(m.conn_manager, f, opaque);
      case field::kDisconnect:
        return sub_message(m.disconnect, f, decode_disconnect);
      case field::kRequestPubsub:
        return sub_message(m.pubsub, f, opaque);
      case field::kRequestPeerStore:
        return sub_message(m.peer_store, f, opaque);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Result<StreamInfo> decode_stream_info(ByteView body) {
  StreamInfo m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    if (f.number < 1 || f.number > 3) return {};
    if (auto e = expect(f, WireType::length_delimited); !e) return e;
    if (f.number == 1) m.peer.assign(f.bytes.begin(), f.bytes.end());
    if (f.number == 2) m.addr.assign(f.bytes.begin(), f.bytes.end());
    if (f.number == 3) m.proto = std::string(as_string(f.bytes));
    return {};
  });
  if (!r) return fail(r.error());
  return m;
}

Result<Response> decode_response(ByteView body) {
  Response m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case field::kType: {
        auto t = take_type(f, kLastResponseType);
        if (!t) return fail(t.error());
        m.type = static_cast<ResponseType>(*t);
        return {};
      }
      case field::kError:
        return sub_message(m.error, f, decode_error);
      case field::kStreamInfo:
        return sub_message(m.stream_info, f, decode_stream_info);
      case field::kIdentify:
        return sub_message(m.identify, f, decode_id_addrs<IdentifyResponse>);
      case field::kResponseDht:
        return sub_message(m.dht, f, opaque);
      case field::kPeers: {
        if (auto e = expect(f, WireType::length_delimited); !e) return e;
        auto peer = decode_id_addrs<PeerInfo>(f.bytes);
        if (!peer) return fail(peer.error());
        return push_item(m.peers, std::move(*peer));
      }
      case field::kResponsePubsub:
        return sub_message(m.pubsub, f, opaque);
      case field::kResponsePeerStore:
        return sub_message(m.peer_store, f, opaque);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

Bytes frame(ByteView body) {
  return length_prefixed(body);
}

}  // namespace meshchat::p2pd
