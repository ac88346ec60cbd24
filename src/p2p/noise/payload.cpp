#include "p2p/noise/payload.hpp"

#include "core/protobuf.hpp"
#include "crypto/keys.hpp"
#include "p2p/noise/error.hpp"
#include "p2p/noise/handshake_state.hpp"

namespace meshchat::p2p::noise {

namespace {

constexpr std::uint32_t kIdentityKeyField = 1;
constexpr std::uint32_t kIdentitySigField = 2;
constexpr std::uint32_t kExtensionsField = 4;
constexpr std::uint32_t kCerthashesField = 1;
constexpr std::uint32_t kStreamMuxersField = 2;

bool is_bytes(const protobuf::Field& field) {
  return field.type == protobuf::WireType::length_delimited;
}

Result<void> merge_extensions(ByteView encoded, NoiseExtensions& out) {
  protobuf::Reader reader(encoded);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(Error::bad_payload);
    if (!*next) return {};
    const protobuf::Field& field = **next;
    if (field.number == kCerthashesField) {
      if (!is_bytes(field) || field.bytes.size() > kMaxCerthashBytes ||
          out.webtransport_certhashes.size() == kMaxCerthashes) {
        return fail(Error::bad_payload);
      }
      out.webtransport_certhashes.emplace_back(field.bytes.begin(), field.bytes.end());
    } else if (field.number == kStreamMuxersField) {
      if (!is_bytes(field) || field.bytes.size() > kMaxStreamMuxerBytes ||
          out.stream_muxers.size() == kMaxStreamMuxers) {
        return fail(Error::bad_payload);
      }
      out.stream_muxers.emplace_back(as_string(field.bytes));
    }
  }
}

}  // namespace

Bytes encode_payload(const HandshakePayload& payload) {
  protobuf::Writer writer;
  if (payload.identity_key) writer.bytes_field(kIdentityKeyField, *payload.identity_key);
  if (payload.identity_sig) writer.bytes_field(kIdentitySigField, *payload.identity_sig);
  if (payload.extensions) {
    protobuf::Writer ext;
    for (const Bytes& hash : payload.extensions->webtransport_certhashes) {
      ext.bytes_field(kCerthashesField, hash);
    }
    for (const std::string& muxer : payload.extensions->stream_muxers) {
      ext.string_field(kStreamMuxersField, muxer);
    }
    writer.bytes_field(kExtensionsField, ext.bytes());
  }
  return writer.take();
}

Result<HandshakePayload> decode_payload(ByteView encoded) {
  // A payload travels inside one Noise message, so nothing larger can be genuine.
  if (encoded.size() > kMaxMessageSize) return fail(Error::bad_payload);
  HandshakePayload payload;
  protobuf::Reader reader(encoded);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(Error::bad_payload);
    if (!*next) return payload;
    const protobuf::Field& field = **next;
    switch (field.number) {
      case kIdentityKeyField:
        if (!is_bytes(field) || field.bytes.size() > crypto::kMaxKeyProtobufBytes) {
          return fail(Error::bad_payload);
        }
        payload.identity_key.emplace(field.bytes.begin(), field.bytes.end());
        break;
      case kIdentitySigField:
        if (!is_bytes(field) || field.bytes.size() > kMaxIdentitySigBytes) {
          return fail(Error::bad_payload);
        }
        payload.identity_sig.emplace(field.bytes.begin(), field.bytes.end());
        break;
      case kExtensionsField: {
        if (!is_bytes(field)) return fail(Error::bad_payload);
        if (!payload.extensions) payload.extensions.emplace();
        if (auto r = merge_extensions(field.bytes, *payload.extensions); !r) return fail(r.error());
        break;
      }
      default:
        break;  // unknown fields (e.g. the removed field 3, data) are skipped
    }
  }
}

}  // namespace meshchat::p2p::noise
