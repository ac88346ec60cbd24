#include "p2p/tls/der.hpp"

namespace meshchat::p2p::tls::der {

namespace {
// The low five bits 11111 announce a multi-octet tag (X.690 §8.1.2.4); nothing we read uses one.
constexpr std::uint8_t kHighTagNumber = 0x1f;
// Short-form lengths are 0..127; 0x80 alone is the indefinite form, which DER forbids.
constexpr std::uint8_t kLongForm = 0x80;
}  // namespace

std::optional<Element> read(ByteView& in) {
  if (in.size() < 2) return std::nullopt;
  std::uint8_t tag = in[0];
  if ((tag & kHighTagNumber) == kHighTagNumber) return std::nullopt;
  std::uint8_t first = in[1];
  std::size_t header = 2;
  std::size_t length = first;
  if (first >= kLongForm) {
    std::size_t octets = first & 0x7f;
    if (octets == 0 || octets > kMaxLengthOctets || in.size() < 2 + octets) return std::nullopt;
    if (in[2] == 0) return std::nullopt;  // a leading zero octet is not minimal
    length = 0;
    for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | in[2 + i];
    if (length < kLongForm) return std::nullopt;  // would fit the short form
    header += octets;
  }
  if (in.size() - header < length) return std::nullopt;
  Element element{tag, in.subspan(header, length), in.first(header + length)};
  in = in.subspan(header + length);
  return element;
}

std::optional<Element> read(ByteView& in, std::uint8_t tag) {
  ByteView rest = in;
  auto element = read(rest);
  if (!element || element->tag != tag) return std::nullopt;
  in = rest;
  return element;
}

void write(std::uint8_t tag, ByteView content, Bytes& out) {
  out.push_back(tag);
  std::size_t length = content.size();
  if (length < kLongForm) {
    out.push_back(static_cast<std::uint8_t>(length));
  } else {
    std::size_t octets = 0;
    for (std::size_t rest = length; rest != 0; rest >>= 8) ++octets;
    out.push_back(static_cast<std::uint8_t>(kLongForm | octets));
    for (std::size_t i = octets; i-- > 0;)
      out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  }
  append(out, content);
}

}  // namespace meshchat::p2p::tls::der
