#include "core/varint.hpp"

namespace meshchat::varint {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::truncated:
      return "varint truncated";
    case Error::overflow:
      return "varint longer than 9 bytes";
    case Error::not_minimal:
      return "varint not minimally encoded";
  }
  return "unknown varint error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "varint", describe)

void encode(std::uint64_t value, Bytes& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

Bytes encode(std::uint64_t value) {
  Bytes out;
  encode(value, out);
  return out;
}

std::size_t encoded_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

Result<Decoded> decode(ByteView in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxBytes) return fail(Error::overflow);
    std::uint8_t byte = in[i];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) return fail(Error::not_minimal);
      return Decoded{value, i + 1};
    }
  }
  if (in.size() >= kMaxBytes) return fail(Error::overflow);
  return fail(Error::truncated);
}

}  // namespace meshchat::varint
