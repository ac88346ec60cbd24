// A minimal protobuf (proto2/proto3 wire format) writer and reader for libp2p's small messages:
// keys, Noise payloads, identify, and later the daemon protocol. No reflection, no codegen.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::protobuf {

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

enum class Error {
  truncated = 1,     // a field runs past the end of the message
  bad_varint,        // a varint longer than 10 bytes
  bad_wire_type,     // wire type 3, 4 (groups), 6 or 7
  bad_field_number,  // field number 0 or above 2^29 - 1
  wrong_wire_type,   // a known field arrived with an unexpected wire type
  missing_field,     // a required field is absent
  bad_value,         // a field's value is outside its enum or range
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

class Writer {
 public:
  void varint_field(std::uint32_t field, std::uint64_t value);
  void bytes_field(std::uint32_t field, ByteView value);
  void string_field(std::uint32_t field, std::string_view value) {
    bytes_field(field, as_bytes(value));
  }
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void tag(std::uint32_t field, WireType type);
  Bytes out_;
};

struct Field {
  std::uint32_t number;
  WireType type;
  std::uint64_t varint;  // for WireType::varint, fixed64 and fixed32
  ByteView bytes;        // for WireType::length_delimited; a view into the reader's input
};

// Iterates the fields of one message in wire order. Unknown fields are returned too; callers skip
// the ones they do not know, as protobuf requires.
class Reader {
 public:
  explicit Reader(ByteView message) : in_(message) {}
  // The next field, nullopt at the end of the message, or an error on malformed input.
  Result<std::optional<Field>> next();

 private:
  ByteView in_;
};

// Protobuf varints may use 10 bytes (64 bits), unlike multiformats' 9.
Result<std::pair<std::uint64_t, std::size_t>> decode_varint(ByteView in);

}  // namespace meshchat::protobuf

MESHCHAT_REGISTER_ERROR_CODE(meshchat::protobuf::Error)
