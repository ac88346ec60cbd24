#include "core/protobuf.hpp"

#include "core/varint.hpp"

namespace meshchat::protobuf {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::truncated:
      return "protobuf field truncated";
    case Error::bad_varint:
      return "protobuf varint too long";
    case Error::bad_wire_type:
      return "protobuf wire type not supported";
    case Error::bad_field_number:
      return "protobuf field number out of range";
    case Error::wrong_wire_type:
      return "protobuf field has the wrong wire type";
    case Error::missing_field:
      return "protobuf required field missing";
    case Error::bad_value:
      return "protobuf field value out of range";
  }
  return "unknown protobuf error";
}

constexpr std::uint64_t kMaxFieldNumber = (1u << 29) - 1;
constexpr std::size_t kMaxVarintBytes = 10;
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "protobuf", describe)

void Writer::tag(std::uint32_t field, WireType type) {
  varint::encode(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint8_t>(type), out_);
}

void Writer::varint_field(std::uint32_t field, std::uint64_t value) {
  tag(field, WireType::varint);
  varint::encode(value, out_);
}

void Writer::bytes_field(std::uint32_t field, ByteView value) {
  tag(field, WireType::length_delimited);
  varint::encode(value.size(), out_);
  append(out_, value);
}

Result<std::pair<std::uint64_t, std::size_t>> decode_varint(ByteView in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size() && i < kMaxVarintBytes; ++i) {
    value |= static_cast<std::uint64_t>(in[i] & 0x7f) << (7 * i);
    if ((in[i] & 0x80) == 0) return std::pair{value, i + 1};
  }
  if (in.size() < kMaxVarintBytes) return fail(Error::truncated);
  return fail(Error::bad_varint);
}

Result<std::optional<Field>> Reader::next() {
  if (in_.empty()) return std::optional<Field>{};
  auto key = decode_varint(in_);
  if (!key) return fail(key.error());
  in_ = in_.subspan(key->second);
  std::uint64_t number = key->first >> 3;
  if (number == 0 || number > kMaxFieldNumber) return fail(Error::bad_field_number);
  Field field{static_cast<std::uint32_t>(number), static_cast<WireType>(key->first & 7), 0, {}};
  switch (field.type) {
    case WireType::varint: {
      auto v = decode_varint(in_);
      if (!v) return fail(v.error());
      field.varint = v->first;
      in_ = in_.subspan(v->second);
      break;
    }
    case WireType::fixed64:
    case WireType::fixed32: {
      std::size_t width = field.type == WireType::fixed64 ? 8 : 4;
      if (in_.size() < width) return fail(Error::truncated);
      for (std::size_t i = 0; i < width; ++i) {
        field.varint |= static_cast<std::uint64_t>(in_[i]) << (8 * i);
      }
      in_ = in_.subspan(width);
      break;
    }
    case WireType::length_delimited: {
      auto len = decode_varint(in_);
      if (!len) return fail(len.error());
      in_ = in_.subspan(len->second);
      if (len->first > in_.size()) return fail(Error::truncated);
      field.bytes = in_.first(static_cast<std::size_t>(len->first));
      in_ = in_.subspan(static_cast<std::size_t>(len->first));
      break;
    }
    default:
      return fail(Error::bad_wire_type);
  }
  return field;
}

}  // namespace meshchat::protobuf
