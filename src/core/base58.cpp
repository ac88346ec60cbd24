#include "core/base58.hpp"

#include <array>

namespace meshchat::base58 {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::bad_character:
      return "base58: character outside the alphabet";
    case Error::too_long:
      return "base58: text too long";
  }
  return "unknown base58 error";
}

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Character -> digit value, or -1.
constexpr std::array<std::int8_t, 256> kDigits = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}();

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "base58", describe)

std::string encode(ByteView data) {
  std::size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Base-58 digits of the rest, least significant first; log(256)/log(58) < 1.37 digits per byte.
  std::vector<std::uint8_t> digits;
  digits.reserve((data.size() - zeros) * 137 / 100 + 1);
  for (std::size_t i = zeros; i < data.size(); ++i) {
    unsigned carry = data[i];
    for (auto& d : digits) {
      carry += static_cast<unsigned>(d) << 8;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    for (; carry > 0; carry /= 58) digits.push_back(static_cast<std::uint8_t>(carry % 58));
  }
  std::string out(zeros, '1');
  out.reserve(zeros + digits.size());
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<Bytes> decode(std::string_view text) {
  if (text.size() > kMaxTextLength) return fail(Error::too_long);
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // Bytes of the value of the rest, least significant first.
  Bytes value;
  value.reserve((text.size() - ones) * 3 / 4 + 1);
  for (std::size_t i = ones; i < text.size(); ++i) {
    int digit = kDigits[static_cast<unsigned char>(text[i])];
    if (digit < 0) return fail(Error::bad_character);
    unsigned carry = static_cast<unsigned>(digit);
    for (auto& b : value) {
      carry += static_cast<unsigned>(b) * 58;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    for (; carry > 0; carry >>= 8) value.push_back(static_cast<std::uint8_t>(carry & 0xff));
  }
  Bytes out(ones, 0);
  out.insert(out.end(), value.rbegin(), value.rend());
  return out;
}

}  // namespace meshchat::base58
