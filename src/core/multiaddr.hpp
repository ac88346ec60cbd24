// multiaddr: self-describing network addresses, `/ip4/1.2.3.4/tcp/4001/p2p/12D3KooW…` in text,
// `(<varint protocol code><value>)+` in binary (values length-prefixed unless fixed-size).
// Spec: multiformats/multiaddr README.md, protocols.csv; the protocols are in
// multiaddr_protocols.hpp. Parsing is strict and bounded: unknown protocols are errors.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/multiaddr_protocols.hpp"
#include "core/result.hpp"

namespace meshchat {

struct MultiaddrComponent {
  Protocol protocol;
  Bytes value;  // the raw binary value, without a length prefix; empty if the protocol has none

  std::string_view name() const { return multiaddr::to_string(protocol); }
  // The value as text ("1.2.3.4", "4001", a base58 PeerId), "" if the protocol has no value.
  std::string value_text() const;
  // "/name" or "/name/value".
  std::string to_string() const;

  bool operator==(const MultiaddrComponent&) const = default;
};

// Where a plain TCP multiaddr points: /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>, optionally
// followed by one /p2p/<id>.
struct TcpAddress {
  enum class Kind { ip4, ip6, dns, dns4, dns6 };
  std::string host;  // an IP literal (IPv6 without brackets) or a DNS name
  Kind kind;
  std::uint16_t port;

  bool operator==(const TcpAddress&) const = default;
};

class Multiaddr {
 public:
  // No components. Parsing never yields this (empty input is an error); it is the identity
  // of encapsulate() and what without_peer_id() leaves of a bare /p2p/….
  Multiaddr() = default;

  static Result<Multiaddr> parse(std::string_view text);
  static Result<Multiaddr> from_bytes(ByteView bytes);
  // Each value must be valid for its protocol (bad_value), the whole within kMaxBytes (too_long).
  static Result<Multiaddr> from_components(std::vector<MultiaddrComponent> components);

  // /ip4/<ip>/tcp/<port> and /ip6/<ip>/tcp/<port>.
  static Multiaddr tcp(const std::array<std::uint8_t, 4>& ip4, std::uint16_t port);
  static Multiaddr tcp(const std::array<std::uint8_t, 16>& ip6, std::uint16_t port);
  // From an IPv4 dotted quad or IPv6 text (no brackets, no zone), as Asio's address::to_string()
  // writes them. Anything else is a caller bug: throws std::invalid_argument.
  static Multiaddr tcp(std::string_view ip_literal, std::uint16_t port);
  // /p2p/<id> from a PeerId's binary multihash (identity or sha2-256), for encapsulate().
  static Result<Multiaddr> p2p(ByteView peer_id_multihash);

  const Bytes& bytes() const { return bytes_; }
  std::string to_string() const;
  const std::vector<MultiaddrComponent>& components() const { return components_; }
  bool empty() const { return components_.empty(); }

  // This address followed by `other`. Throws std::invalid_argument if this ends in a path
  // protocol (/unix), which must be last. Not bounded: the result may exceed kMaxBytes, which
  // from_bytes() and parse() would refuse (the limit is for input, not for what we compose).
  Multiaddr encapsulate(const Multiaddr& other) const;
  // The multihash of a trailing /p2p component: the peer the address leads to. A /p2p that is
  // not last (e.g. the relay in /…/p2p/R/p2p-circuit) does not count.
  std::optional<Bytes> peer_id_multihash() const;
  // This address without a trailing /p2p component.
  Multiaddr without_peer_id() const;
  // Host and port if this is a plain TCP address (see TcpAddress), else nullopt: anything on top
  // of TCP (/ws, /tls, /p2p-circuit, ...) or a /dnsaddr (resolved through TXT records first).
  std::optional<TcpAddress> tcp_address() const;

  bool operator==(const Multiaddr& other) const { return bytes_ == other.bytes_; }
  // Byte-wise order, so addresses can key ordered containers.
  bool operator<(const Multiaddr& other) const { return bytes_ < other.bytes_; }

 private:
  Multiaddr(Bytes bytes, std::vector<MultiaddrComponent> components)
      : bytes_(std::move(bytes)), components_(std::move(components)) {}
  Bytes bytes_;
  std::vector<MultiaddrComponent> components_;
};

}  // namespace meshchat

template <>
struct std::hash<meshchat::Multiaddr> {
  std::size_t operator()(const meshchat::Multiaddr& addr) const noexcept {
    return std::hash<std::string_view>{}(meshchat::as_string(addr.bytes()));
  }
};
