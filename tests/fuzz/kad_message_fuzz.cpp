// Feeds arbitrary bytes to the Kademlia message decoder, and the records it finds to the record
// validator. Aborts on an undocumented error, or if decode(encode(decode(x))) differs from
// decode(x) or the re-encoding is not canonical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/protobuf.hpp"
#include "p2p/kad/message.hpp"
#include "p2p/kad/record_validator.hpp"

namespace kad = meshchat::p2p::kad;
namespace pb = meshchat::protobuf;
using meshchat::ByteView;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented_decode_error(const std::error_code& ec) {
  return ec == pb::Error::truncated || ec == pb::Error::bad_varint ||
         ec == pb::Error::bad_wire_type || ec == pb::Error::bad_field_number ||
         ec == pb::Error::wrong_wire_type || ec == kad::Error::message_too_large ||
         ec == kad::Error::too_many_peers || ec == kad::Error::too_many_addresses ||
         ec == kad::Error::bad_message_type || ec == kad::Error::key_too_large ||
         ec == kad::Error::value_too_large || ec == kad::Error::peer_id_too_large ||
         ec == kad::Error::address_too_large || ec == kad::Error::time_received_too_large;
}

bool documented_validation_error(const std::error_code& ec) {
  return ec == kad::Error::unsupported_namespace || ec == kad::Error::invalid_record ||
         ec == kad::Error::key_mismatch;
}

// The encoder always writes the type, which the input may have left out: two bytes more.
constexpr std::size_t kTypeFieldBytes = 2;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto message = kad::decode_body(in);
  if (!message) {
    check(documented_decode_error(message.error()));
    return 0;
  }
  auto body = kad::encode_body(*message);
  if (!body) {
    check(body.error() == kad::Error::message_too_large &&
          size + kTypeFieldBytes > kad::kMaxMessageBytes);
    return 0;
  }
  auto again = kad::decode_body(*body);
  check(again && *again == *message);
  auto canonical = kad::encode_body(*again);
  check(canonical && *canonical == *body);

  if (message->record) {
    auto valid = kad::validate_record(message->record->key, message->record->value);
    if (!valid) check(documented_validation_error(valid.error()));
  }
  return 0;
}
