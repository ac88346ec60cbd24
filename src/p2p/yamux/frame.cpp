#include "p2p/yamux/frame.hpp"

namespace meshchat::p2p::yamux {

namespace {
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}
}  // namespace

std::array<std::uint8_t, kHeaderSize> encode(const Header& header) {
  std::array<std::uint8_t, kHeaderSize> out;
  out[0] = kVersion;
  out[1] = static_cast<std::uint8_t>(header.type);
  put16(&out[2], header.flags.bits);
  put32(&out[4], header.stream.value);
  put32(&out[8], header.length);
  return out;
}

void encode(const Header& header, Bytes& out) {
  auto bytes = encode(header);
  out.insert(out.end(), bytes.begin(), bytes.end());
}

Result<Header> decode(std::span<const std::uint8_t, kHeaderSize> bytes) {
  if (bytes[0] != kVersion) return fail(Error::bad_version);
  if (bytes[1] > static_cast<std::uint8_t>(Type::go_away)) return fail(Error::bad_type);
  return Header{static_cast<Type>(bytes[1]), Flags{get16(&bytes[2])}, StreamId{get32(&bytes[4])},
                get32(&bytes[8])};
}

}  // namespace meshchat::p2p::yamux
