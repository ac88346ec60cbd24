#include "p2p/identify/message.hpp"

#include <utility>

#include "core/protobuf.hpp"
#include "core/varint.hpp"

namespace meshchat::p2p::identify {

namespace {

// Field numbers of the Identify message (identify/README.md; 8 is from the signed peer record
// extension, RFC 0003).
enum Field : std::uint32_t {
  kPublicKey = 1,
  kListenAddrs = 2,
  kProtocols = 3,
  kObservedAddr = 4,
  kProtocolVersion = 5,
  kAgentVersion = 6,
  kSignedPeerRecord = 8,
};

template <class T>
void move_append(std::vector<T>& into, std::vector<T>& from) {
  into.insert(into.end(), std::make_move_iterator(from.begin()),
              std::make_move_iterator(from.end()));
}

}  // namespace

Result<void> check_counts(const Identify& message) {
  if (message.listen_addrs.size() > kMaxListenAddrs) return fail(Error::too_many_listen_addrs);
  if (message.protocols.size() > kMaxProtocols) return fail(Error::too_many_protocols);
  return {};
}

Result<Bytes> encode_body(const Identify& message) {
  if (auto r = check_counts(message); !r) return fail(r.error());
  protobuf::Writer w;
  if (message.public_key) w.bytes_field(kPublicKey, *message.public_key);
  for (const auto& addr : message.listen_addrs) w.bytes_field(kListenAddrs, addr);
  for (const auto& protocol : message.protocols) w.string_field(kProtocols, protocol);
  if (message.observed_addr) w.bytes_field(kObservedAddr, *message.observed_addr);
  if (message.protocol_version) w.string_field(kProtocolVersion, *message.protocol_version);
  if (message.agent_version) w.string_field(kAgentVersion, *message.agent_version);
  if (message.signed_peer_record) w.bytes_field(kSignedPeerRecord, *message.signed_peer_record);
  if (w.bytes().size() > kMaxMessageBytes) return fail(Error::message_too_large);
  return w.take();
}

Result<Bytes> encode(const Identify& message) {
  auto body = encode_body(message);
  if (!body) return body;
  Bytes out;
  out.reserve(varint::encoded_size(body->size()) + body->size());
  varint::encode(body->size(), out);
  append(out, *body);
  return out;
}

Result<Identify> decode_body(ByteView body) {
  if (body.size() > kMaxMessageBytes) return fail(Error::message_too_large);
  Identify message;
  protobuf::Reader reader(body);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) break;
    const protobuf::Field& f = **next;
    switch (f.number) {
      case kPublicKey:
      case kListenAddrs:
      case kProtocols:
      case kObservedAddr:
      case kProtocolVersion:
      case kAgentVersion:
      case kSignedPeerRecord:
        if (f.type != protobuf::WireType::length_delimited) {
          return fail(protobuf::Error::wrong_wire_type);
        }
        break;
      default:
        continue;  // unknown field: skipped, as protobuf requires
    }
    auto bytes = [&f] { return Bytes(f.bytes.begin(), f.bytes.end()); };
    auto text = [&f] { return std::string(as_string(f.bytes)); };
    switch (f.number) {
      case kPublicKey:
        message.public_key = bytes();
        break;
      case kListenAddrs:
        if (message.listen_addrs.size() == kMaxListenAddrs) {
          return fail(Error::too_many_listen_addrs);
        }
        message.listen_addrs.push_back(bytes());
        break;
      case kProtocols:
        if (message.protocols.size() == kMaxProtocols) return fail(Error::too_many_protocols);
        message.protocols.push_back(text());
        break;
      case kObservedAddr:
        message.observed_addr = bytes();
        break;
      case kProtocolVersion:
        message.protocol_version = text();
        break;
      case kAgentVersion:
        message.agent_version = text();
        break;
      case kSignedPeerRecord:
        message.signed_peer_record = bytes();
        break;
      default:
        break;
    }
  }
  return message;
}

void merge_part(Identify& into, Identify part) {
  if (part.public_key) into.public_key = std::move(part.public_key);
  move_append(into.listen_addrs, part.listen_addrs);
  move_append(into.protocols, part.protocols);
  if (part.observed_addr) into.observed_addr = std::move(part.observed_addr);
  if (part.protocol_version) into.protocol_version = std::move(part.protocol_version);
  if (part.agent_version) into.agent_version = std::move(part.agent_version);
  if (part.signed_peer_record) into.signed_peer_record = std::move(part.signed_peer_record);
}

void apply_push(Identify& stored, const Identify& push) {
  if (push.public_key) stored.public_key = push.public_key;
  if (!push.listen_addrs.empty()) stored.listen_addrs = push.listen_addrs;
  if (!push.protocols.empty()) stored.protocols = push.protocols;
  if (push.observed_addr) stored.observed_addr = push.observed_addr;
  if (push.protocol_version) stored.protocol_version = push.protocol_version;
  if (push.agent_version) stored.agent_version = push.agent_version;
  if (push.signed_peer_record) stored.signed_peer_record = push.signed_peer_record;
}

}  // namespace meshchat::p2p::identify
