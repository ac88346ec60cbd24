#include "core/multibase.hpp"

#include "core/base32.hpp"
#include "core/base58.hpp"
#include "core/bit_groups.hpp"

namespace meshchat::multibase {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::empty:
      return "multibase: empty text";
    case Error::unsupported_base:
      return "multibase: unsupported base prefix";
    case Error::bad_character:
      return "multibase: character outside the alphabet";
    case Error::bad_length:
      return "multibase: impossible length";
    case Error::nonzero_padding:
      return "multibase: non-zero padding bits";
    case Error::too_long:
      return "multibase: text too long";
  }
  return "unknown multibase error";
}

constexpr std::string_view kHexLower = "0123456789abcdef";
constexpr std::string_view kHexUpper = "0123456789ABCDEF";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void encode_base16(ByteView data, std::string_view digits, std::string& out) {
  for (auto byte : data) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xf]);
  }
}

Result<Bytes> decode_base16(std::string_view text, std::string_view digits) {
  if (text.size() % 2 != 0) return fail(Error::bad_length);
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto hi = digits.find(text[i]);
    auto lo = digits.find(text[i + 1]);
    if (hi == std::string_view::npos || lo == std::string_view::npos) {
      return fail(Error::bad_character);
    }
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

void encode_base64(ByteView data, std::string_view alphabet, std::string& out) {
  bit_groups::encode(data, 6, alphabet, out);
}

Result<Bytes> decode_base64(std::string_view text, std::string_view alphabet) {
  // Each 4 characters carry 3 bytes; a final single character cannot end on a byte.
  if (text.size() % 4 == 1) return fail(Error::bad_length);
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  auto digit = [alphabet](char c) {
    auto value = alphabet.find(c);
    return value == std::string_view::npos ? -1 : static_cast<int>(value);
  };
  auto failure = bit_groups::decode(text, 6, digit, out);
  if (failure == bit_groups::Failure::bad_character) return fail(Error::bad_character);
  if (failure == bit_groups::Failure::nonzero_padding) return fail(Error::nonzero_padding);
  return out;
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "multibase", describe)

std::string encode(Base base, ByteView data) {
  std::string out(1, static_cast<char>(base));
  switch (base) {
    case Base::base16:
      encode_base16(data, kHexLower, out);
      break;
    case Base::base16_upper:
      encode_base16(data, kHexUpper, out);
      break;
    case Base::base32:
      out += base32::encode(data, base32::Case::lower);
      break;
    case Base::base32_upper:
      out += base32::encode(data, base32::Case::upper);
      break;
    case Base::base58btc:
      out += base58::encode(data);
      break;
    case Base::base64:
      encode_base64(data, kBase64, out);
      break;
    case Base::base64url:
      encode_base64(data, kBase64Url, out);
      break;
  }
  return out;
}

Result<Decoded> decode(std::string_view text) {
  if (text.empty()) return fail(Error::empty);
  if (text.size() > kMaxTextLength) return fail(Error::too_long);
  std::string_view rest = text.substr(1);
  Result<Bytes> data = fail(Error::unsupported_base);
  auto base = static_cast<Base>(text[0]);
  switch (base) {
    case Base::base16:
      data = decode_base16(rest, kHexLower);
      break;
    case Base::base16_upper:
      data = decode_base16(rest, kHexUpper);
      break;
    case Base::base32:
      data = base32::decode(rest, base32::Case::lower);
      break;
    case Base::base32_upper:
      data = base32::decode(rest, base32::Case::upper);
      break;
    case Base::base58btc:
      data = base58::decode(rest);
      break;
    case Base::base64:
      data = decode_base64(rest, kBase64);
      break;
    case Base::base64url:
      data = decode_base64(rest, kBase64Url);
      break;
  }
  if (!data) return fail(data.error());
  return Decoded{base, std::move(*data)};
}

}  // namespace meshchat::multibase
