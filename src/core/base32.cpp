#include "core/base32.hpp"

#include "core/bit_groups.hpp"

namespace meshchat::base32 {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::bad_character:
      return "base32: character outside the alphabet";
    case Error::bad_length:
      return "base32: impossible length";
    case Error::nonzero_padding:
      return "base32: non-zero padding bits";
    case Error::too_long:
      return "base32: text too long";
  }
  return "unknown base32 error";
}

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int digit_value(char c, Case letters) {
  if (c >= '2' && c <= '7') return c - '2' + 26;
  char first = letters == Case::lower ? 'a' : 'A';
  if (c >= first && c <= first + 25) return c - first;
  return -1;
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "base32", describe)

std::string encode(ByteView data, Case letters) {
  std::string_view alphabet = letters == Case::lower ? kLower : kUpper;
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  bit_groups::encode(data, 5, alphabet, out);
  return out;
}

Result<Bytes> decode(std::string_view text, Case letters) {
  if (text.size() > kMaxTextLength) return fail(Error::too_long);
  // Each 8 characters carry 5 bytes; a final group of 1, 3 or 6 characters cannot end on a byte.
  switch (text.size() % 8) {
    case 1:
    case 3:
    case 6:
      return fail(Error::bad_length);
    default:
      break;
  }
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  auto failure = bit_groups::decode(
      text, 5, [letters](char c) { return digit_value(c, letters); }, out);
  if (failure == bit_groups::Failure::bad_character) return fail(Error::bad_character);
  if (failure == bit_groups::Failure::nonzero_padding) return fail(Error::nonzero_padding);
  return out;
}

}  // namespace meshchat::base32
