#include "chat/sync/varint.hpp"

#include <array>

namespace meshchat::chat::sync {

std::size_t msb_varint_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

void encode_msb_varint(std::uint64_t value, Bytes& out) {
  std::array<std::uint8_t, kMaxVarintBytes> digits{};
  std::size_t n = msb_varint_size(value);
  for (std::size_t i = n; i-- > 0;) {
    digits[i] = static_cast<std::uint8_t>(value & 0x7f);
    value >>= 7;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) digits[i] |= 0x80;
  out.insert(out.end(), digits.begin(), digits.begin() + static_cast<std::ptrdiff_t>(n));
}

Result<MsbVarint> decode_msb_varint(ByteView in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxVarintBytes) return fail(Error::varint_overflow);
    const std::uint8_t byte = in[i];
    // A leading 0x80 adds nothing but a byte, so the spec's "fewest digits" forbids it.
    if (i == 0 && byte == 0x80) return fail(Error::varint_not_minimal);
    if (value > (UINT64_MAX >> 7)) return fail(Error::varint_overflow);
    value = (value << 7) | (byte & 0x7f);
    if ((byte & 0x80) == 0) return MsbVarint{value, i + 1};
  }
  return fail(Error::truncated);
}

}  // namespace meshchat::chat::sync
