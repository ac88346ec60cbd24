#include "core/multiaddr_protocols.hpp"

#include <arpa/inet.h>

#include <array>

#include "core/base58.hpp"
#include "core/cid.hpp"
#include "core/multibase.hpp"
#include "core/multihash.hpp"

namespace meshchat::multiaddr {

namespace {

const char* describe(Error e) {
  switch (e) {
    case Error::empty:
      return "multiaddr: no components";
    case Error::too_long:
      return "multiaddr: too long";
    case Error::bad_syntax:
      return "multiaddr: malformed text";
    case Error::unknown_protocol:
      return "multiaddr: unknown protocol";
    case Error::missing_value:
      return "multiaddr: protocol value missing";
    case Error::bad_value:
      return "multiaddr: malformed protocol value";
    case Error::truncated:
      return "multiaddr: truncated";
    case Error::bad_varint:
      return "multiaddr: malformed varint";
    case Error::path_not_last:
      return "multiaddr: path protocol not last";
  }
  return "unknown multiaddr error";
}

constexpr ProtocolInfo kProtocols[] = {
    {Protocol::ip4, "ip4", ValueKind::ip4},
    {Protocol::tcp, "tcp", ValueKind::port},
    {Protocol::ip6, "ip6", ValueKind::ip6},
    {Protocol::ip6zone, "ip6zone", ValueKind::name},
    {Protocol::dns, "dns", ValueKind::name},
    {Protocol::dns4, "dns4", ValueKind::name},
    {Protocol::dns6, "dns6", ValueKind::name},
    {Protocol::dnsaddr, "dnsaddr", ValueKind::name},
    {Protocol::udp, "udp", ValueKind::port},
    {Protocol::webrtc_direct, "webrtc-direct", ValueKind::none},
    {Protocol::webrtc, "webrtc", ValueKind::none},
    {Protocol::p2p_circuit, "p2p-circuit", ValueKind::none},
    {Protocol::unix_socket, "unix", ValueKind::path},
    {Protocol::p2p, "p2p", ValueKind::p2p},
    {Protocol::tls, "tls", ValueKind::none},
    {Protocol::sni, "sni", ValueKind::name},
    {Protocol::quic, "quic", ValueKind::none},
    {Protocol::quic_v1, "quic-v1", ValueKind::none},
    {Protocol::webtransport, "webtransport", ValueKind::none},
    {Protocol::certhash, "certhash", ValueKind::certhash},
    {Protocol::ws, "ws", ValueKind::none},
    {Protocol::wss, "wss", ValueKind::none},
};

// protocols.csv: "ipfs" is the old name of p2p, read but never printed.
constexpr ProtocolInfo kIpfsAlias = {Protocol::p2p, "ipfs", ValueKind::p2p};

bool is_decimal_digit(char c) {
  return c >= '0' && c <= '9';
}

// Strict decimal: 1 to max_digits digits, no sign, no leading zero (except "0" itself).
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (!is_decimal_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

Result<Bytes> ip4_from_text(std::string_view text) {
  Bytes out;
  for (int i = 0; i < 4; ++i) {
    auto dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return fail(Error::bad_value);
    auto octet = parse_decimal(text.substr(0, dot), 3);
    if (!octet || *octet > 255) return fail(Error::bad_value);
    out.push_back(static_cast<std::uint8_t>(*octet));
    text = i < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return out;
}

std::string ip4_to_text(ByteView value) {
  std::string out;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(value[i]);
  }
  return out;
}

Result<Bytes> ip6_from_text(std::string_view text) {
  // inet_pton needs a NUL-terminated string; no IPv6 text is longer than INET6_ADDRSTRLEN - 1.
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  if (text.size() >= buffer.size()) return fail(Error::bad_value);
  // inet_pton would stop at a NUL and accept what follows it.
  if (text.find('\0') != std::string_view::npos) return fail(Error::bad_value);
  text.copy(buffer.data(), text.size());
  Bytes out(16);
  if (inet_pton(AF_INET6, buffer.data(), out.data()) != 1) return fail(Error::bad_value);
  return out;
}

std::string ip6_to_text(ByteView value) {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  if (inet_ntop(AF_INET6, value.data(), buffer.data(), buffer.size()) == nullptr) return {};
  return buffer.data();
}

// libp2p PeerIds are identity or sha2-256 multihashes (peer-ids.md "Peer Ids"); refusing other
// codes also keeps text unambiguous, since those print as base58 starting with '1' or 'Q'.
Result<void> check_peer_id_multihash(ByteView value) {
  auto hash = Multihash::from_bytes(value);
  if (!hash) return fail(Error::bad_value);
  if (hash->code() != multihash::kIdentity && hash->code() != multihash::kSha2_256) {
    return fail(Error::bad_value);
  }
  return {};
}

// peer-ids.md "Decoding": `1…`/`Qm…` is a base58btc multihash; else a multibase CIDv1 whose codec
// must be libp2p-key.
Result<Bytes> p2p_from_text(std::string_view text) {
  Bytes bytes;
  if (text[0] == '1' || text[0] == 'Q') {
    auto decoded = base58::decode(text);
    if (!decoded) return fail(Error::bad_value);
    bytes = std::move(*decoded);
  } else {
    auto cid = Cid::parse(text);
    if (!cid || cid->codec() != cid::kLibp2pKey) return fail(Error::bad_value);
    bytes = cid->hash().bytes();
  }
  if (auto ok = check_peer_id_multihash(bytes); !ok) return fail(ok.error());
  return bytes;
}

bool is_valid_name(ByteView value) {
  return !value.empty() && value.size() <= kMaxNameLength &&
         as_string(value).find('/') == std::string_view::npos;
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "multiaddr", describe)

const ProtocolInfo* find_protocol(std::uint64_t code) {
  for (const auto& info : kProtocols) {
    if (static_cast<std::uint64_t>(info.protocol) == code) return &info;
  }
  return nullptr;
}

const ProtocolInfo* find_protocol(std::string_view name) {
  for (const auto& info : kProtocols) {
    if (info.name == name) return &info;
  }
  if (name == kIpfsAlias.name) return &kIpfsAlias;
  return nullptr;
}

std::string_view to_string(Protocol protocol) {
  const auto* info = find_protocol(static_cast<std::uint64_t>(protocol));
  return info ? info->name : std::string_view{};
}

std::optional<std::size_t> fixed_value_size(ValueKind kind) {
  switch (kind) {
    case ValueKind::none:
      return 0;
    case ValueKind::ip4:
      return 4;
    case ValueKind::ip6:
      return 16;
    case ValueKind::port:
      return 2;
    case ValueKind::name:
    case ValueKind::path:
    case ValueKind::p2p:
    case ValueKind::certhash:
      return std::nullopt;
  }
  return std::nullopt;
}

Result<void> check_value(ValueKind kind, ByteView value) {
  if (auto size = fixed_value_size(kind)) {
    if (value.size() != *size) return fail(Error::bad_value);
    return {};
  }
  switch (kind) {
    case ValueKind::name:
      if (!is_valid_name(value)) return fail(Error::bad_value);
      return {};
    case ValueKind::path:
      // Text puts the path after "/unix" as is, so it must begin with the '/' that separates them.
      if (value.empty() || value[0] != '/') return fail(Error::bad_value);
      return {};
    case ValueKind::p2p:
      return check_peer_id_multihash(value);
    case ValueKind::certhash:
      if (!Multihash::from_bytes(value)) return fail(Error::bad_value);
      return {};
    default:
      return fail(Error::bad_value);
  }
}

Result<Bytes> value_from_text(ValueKind kind, std::string_view text) {
  if (text.empty()) return fail(Error::missing_value);
  switch (kind) {
    case ValueKind::none:
      return fail(Error::bad_value);
    case ValueKind::ip4:
      return ip4_from_text(text);
    case ValueKind::ip6:
      return ip6_from_text(text);
    case ValueKind::port: {
      auto port = parse_decimal(text, 5);
      if (!port || *port > 0xffff) return fail(Error::bad_value);
      return Bytes{static_cast<std::uint8_t>(*port >> 8), static_cast<std::uint8_t>(*port)};
    }
    case ValueKind::name:
      if (!is_valid_name(as_bytes(text))) return fail(Error::bad_value);
      return to_bytes(text);
    case ValueKind::path:
      if (text[0] != '/') return fail(Error::bad_value);
      return to_bytes(text);
    case ValueKind::p2p:
      return p2p_from_text(text);
    case ValueKind::certhash: {
      auto decoded = multibase::decode(text);
      if (!decoded || !Multihash::from_bytes(decoded->data)) return fail(Error::bad_value);
      return std::move(decoded->data);
    }
  }
  return fail(Error::bad_value);
}

std::string value_to_text(ValueKind kind, ByteView value) {
  switch (kind) {
    case ValueKind::none:
      return {};
    case ValueKind::ip4:
      return ip4_to_text(value);
    case ValueKind::ip6:
      return ip6_to_text(value);
    case ValueKind::port:
      return std::to_string(value[0] << 8 | value[1]);
    case ValueKind::name:
    case ValueKind::path:
      return std::string(as_string(value));
    case ValueKind::p2p:
      return base58::encode(value);
    // go-multiaddr and js-multiaddr print certhashes in base64url too.
    case ValueKind::certhash:
      return multibase::encode(multibase::Base::base64url, value);
  }
  return {};
}

}  // namespace meshchat::multiaddr
