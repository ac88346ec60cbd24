#include "core/multiaddr.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/varint.hpp"

namespace meshchat {

namespace {

using multiaddr::Error;
using multiaddr::ValueKind;

const multiaddr::ProtocolInfo* info_of(Protocol protocol) {
  return multiaddr::find_protocol(static_cast<std::uint64_t>(protocol));
}

// Appends one component's binary form; the value must already be valid.
void encode_component(Bytes& out, const multiaddr::ProtocolInfo& info, ByteView value) {
  varint::encode(static_cast<std::uint64_t>(info.protocol), out);
  if (!multiaddr::fixed_value_size(info.kind)) varint::encode(value.size(), out);
  append(out, value);
}

Result<varint::Decoded> read_varint(ByteView in) {
  auto v = varint::decode(in);
  if (!v) return fail(v.error() == varint::Error::truncated ? Error::truncated : Error::bad_varint);
  return v;
}

}  // namespace

std::string MultiaddrComponent::value_text() const {
  const auto* info = info_of(protocol);
  // Components inside a Multiaddr are always valid; one built by hand may not be.
  if (!info || !multiaddr::check_value(info->kind, value)) return to_hex(value);
  return multiaddr::value_to_text(info->kind, value);
}

std::string MultiaddrComponent::to_string() const {
  std::string out = "/";
  const auto* info = info_of(protocol);
  if (info) {
    out += info->name;
  } else {
    out += std::to_string(static_cast<std::uint32_t>(protocol));
  }
  if (!value.empty() || (info && info->kind != ValueKind::none)) {
    std::string text = value_text();
    // A path value begins with its own '/' (go-multiaddr prints /unix/tmp/s the same way).
    if (!(info && info->kind == ValueKind::path && text.starts_with('/'))) out.push_back('/');
    out += text;
  }
  return out;
}

Result<Multiaddr> Multiaddr::parse(std::string_view text) {
  if (text.empty()) return fail(Error::empty);
  if (text.size() > multiaddr::kMaxTextLength) return fail(Error::too_long);
  if (text[0] != '/') return fail(Error::bad_syntax);
  Bytes bytes;
  std::vector<MultiaddrComponent> components;
  std::size_t pos = 0;  // at a '/' that starts a component, or at the end
  while (pos < text.size()) {
    ++pos;
    // One trailing '/' is accepted, as go-multiaddr and js-multiaddr do.
    if (pos == text.size() && !components.empty()) break;
    std::size_t end = std::min(text.find('/', pos), text.size());
    std::string_view name = text.substr(pos, end - pos);
    if (name.empty()) {
      return fail(components.empty() && end == text.size() ? Error::empty : Error::bad_syntax);
    }
    const auto* info = multiaddr::find_protocol(name);
    if (!info) return fail(Error::unknown_protocol);
    pos = end;
    Bytes value;
    if (info->kind != ValueKind::none) {
      std::string_view value_text;
      if (info->kind == ValueKind::path) {
        // multiaddr README: a path protocol takes the rest of the address, slashes included.
        value_text = text.substr(pos);
        pos = text.size();
      } else if (pos < text.size()) {
        std::size_t value_end = std::min(text.find('/', pos + 1), text.size());
        value_text = text.substr(pos + 1, value_end - pos - 1);
        pos = value_end;
      }
      auto parsed = multiaddr::value_from_text(info->kind, value_text);
      if (!parsed) return fail(parsed.error());
      value = std::move(*parsed);
    }
    encode_component(bytes, *info, value);
    if (bytes.size() > multiaddr::kMaxBytes) return fail(Error::too_long);
    components.push_back({info->protocol, std::move(value)});
  }
  return Multiaddr(std::move(bytes), std::move(components));
}

Result<Multiaddr> Multiaddr::from_bytes(ByteView bytes) {
  if (bytes.empty()) return fail(Error::empty);
  if (bytes.size() > multiaddr::kMaxBytes) return fail(Error::too_long);
  std::vector<MultiaddrComponent> components;
  ByteView rest = bytes;
  while (!rest.empty()) {
    auto code = read_varint(rest);
    if (!code) return fail(code.error());
    rest = rest.subspan(code->size);
    const auto* info = multiaddr::find_protocol(code->value);
    if (!info) return fail(Error::unknown_protocol);
    std::size_t size;
    if (auto fixed = multiaddr::fixed_value_size(info->kind)) {
      size = *fixed;
    } else {
      auto length = read_varint(rest);
      if (!length) return fail(length.error());
      rest = rest.subspan(length->size);
      if (length->value > rest.size()) return fail(Error::truncated);
      size = static_cast<std::size_t>(length->value);
    }
    if (size > rest.size()) return fail(Error::truncated);
    ByteView value = rest.first(size);
    if (auto ok = multiaddr::check_value(info->kind, value); !ok) return fail(ok.error());
    rest = rest.subspan(size);
    if (info->kind == ValueKind::path && !rest.empty()) return fail(Error::path_not_last);
    components.push_back({info->protocol, Bytes(value.begin(), value.end())});
  }
  return Multiaddr(Bytes(bytes.begin(), bytes.end()), std::move(components));
}

Result<Multiaddr> Multiaddr::from_components(std::vector<MultiaddrComponent> components) {
  Bytes bytes;
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto& component = components[i];
    const auto* info = info_of(component.protocol);
    if (!info) return fail(Error::unknown_protocol);
    if (auto ok = multiaddr::check_value(info->kind, component.value); !ok) {
      return fail(ok.error());
    }
    if (info->kind == ValueKind::path && i + 1 < components.size()) {
      return fail(Error::path_not_last);
    }
    encode_component(bytes, *info, component.value);
    if (bytes.size() > multiaddr::kMaxBytes) return fail(Error::too_long);
  }
  return Multiaddr(std::move(bytes), std::move(components));
}

Multiaddr Multiaddr::tcp(const std::array<std::uint8_t, 4>& ip4, std::uint16_t port) {
  Bytes port_bytes{static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port)};
  return *from_components(
      {{Protocol::ip4, Bytes(ip4.begin(), ip4.end())}, {Protocol::tcp, std::move(port_bytes)}});
}

Multiaddr Multiaddr::tcp(const std::array<std::uint8_t, 16>& ip6, std::uint16_t port) {
  Bytes port_bytes{static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port)};
  return *from_components(
      {{Protocol::ip6, Bytes(ip6.begin(), ip6.end())}, {Protocol::tcp, std::move(port_bytes)}});
}

Multiaddr Multiaddr::tcp(std::string_view ip_literal, std::uint16_t port) {
  bool v6 = ip_literal.find(':') != std::string_view::npos;
  auto ip = multiaddr::value_from_text(v6 ? ValueKind::ip6 : ValueKind::ip4, ip_literal);
  if (!ip) {
    throw std::invalid_argument("Multiaddr::tcp: not an IP literal: " + std::string(ip_literal));
  }
  Bytes port_bytes{static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port)};
  return *from_components({{v6 ? Protocol::ip6 : Protocol::ip4, std::move(*ip)},
                           {Protocol::tcp, std::move(port_bytes)}});
}

Result<Multiaddr> Multiaddr::p2p(ByteView peer_id_multihash) {
  return from_components(
      {{Protocol::p2p, Bytes(peer_id_multihash.begin(), peer_id_multihash.end())}});
}

std::string Multiaddr::to_string() const {
  std::string out;
  for (const auto& component : components_) out += component.to_string();
  return out;
}

Multiaddr Multiaddr::encapsulate(const Multiaddr& other) const {
  if (!components_.empty() && !other.empty() &&
      info_of(components_.back().protocol)->kind == ValueKind::path) {
    throw std::invalid_argument("Multiaddr::encapsulate: nothing can follow " + to_string());
  }
  Bytes bytes = bytes_;
  append(bytes, other.bytes_);
  std::vector<MultiaddrComponent> components = components_;
  components.insert(components.end(), other.components_.begin(), other.components_.end());
  return Multiaddr(std::move(bytes), std::move(components));
}

std::optional<Bytes> Multiaddr::peer_id_multihash() const {
  if (components_.empty() || components_.back().protocol != Protocol::p2p) return std::nullopt;
  return components_.back().value;
}

Multiaddr Multiaddr::without_peer_id() const {
  if (!peer_id_multihash()) return *this;
  // The last component's encoding is the tail of bytes_.
  const auto& last = components_.back();
  std::size_t last_size = varint::encoded_size(static_cast<std::uint64_t>(last.protocol)) +
                          varint::encoded_size(last.value.size()) + last.value.size();
  return Multiaddr(Bytes(bytes_.begin(), bytes_.end() - static_cast<std::ptrdiff_t>(last_size)),
                   std::vector<MultiaddrComponent>(components_.begin(), components_.end() - 1));
}

std::optional<TcpAddress> Multiaddr::tcp_address() const {
  std::size_t n = components_.size();
  if (n == 3 && components_[2].protocol == Protocol::p2p) n = 2;
  if (n != 2 || components_.size() > 3 || components_[1].protocol != Protocol::tcp) {
    return std::nullopt;
  }
  TcpAddress::Kind kind;
  switch (components_[0].protocol) {
    case Protocol::ip4:
      kind = TcpAddress::Kind::ip4;
      break;
    case Protocol::ip6:
      kind = TcpAddress::Kind::ip6;
      break;
    case Protocol::dns:
      kind = TcpAddress::Kind::dns;
      break;
    case Protocol::dns4:
      kind = TcpAddress::Kind::dns4;
      break;
    case Protocol::dns6:
      kind = TcpAddress::Kind::dns6;
      break;
    default:
      return std::nullopt;
  }
  const Bytes& port = components_[1].value;
  return TcpAddress{components_[0].value_text(), kind,
                    static_cast<std::uint16_t>(port[0] << 8 | port[1])};
}

}  // namespace meshchat
