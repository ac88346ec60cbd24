// Reads arbitrary bytes as a binary multiaddr and as text. Aborts on an undocumented error, or
// if a multiaddr that was accepted does not survive bytes -> text -> bytes and text -> bytes ->
// text unchanged (the go-multiaddr fuzzers' roundTripBytes/roundTripString).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/multiaddr.hpp"

using meshchat::ByteView;
using meshchat::Multiaddr;
namespace multiaddr = meshchat::multiaddr;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_round_trips(const Multiaddr& addr) {
  check(!addr.empty());
  check(addr.bytes().size() <= multiaddr::kMaxBytes);
  auto from_bytes = Multiaddr::from_bytes(addr.bytes());
  check(from_bytes && *from_bytes == addr && from_bytes->components() == addr.components());
  std::string text = addr.to_string();
  check(text.size() <= multiaddr::kMaxTextLength);
  auto parsed = Multiaddr::parse(text);
  check(parsed && *parsed == addr && parsed->components() == addr.components());
  check(parsed->to_string() == text);
  auto rebuilt = Multiaddr::from_components(addr.components());
  check(rebuilt && *rebuilt == addr);
  // The accessors must not misbehave on anything accepted.
  auto stripped = addr.without_peer_id();
  if (auto id = addr.peer_id_multihash()) {
    check(stripped.components().size() + 1 == addr.components().size());
    check(stripped.encapsulate(*Multiaddr::p2p(*id)) == addr);
  } else {
    check(stripped == addr);
  }
  if (auto tcp = addr.tcp_address()) check(!tcp->host.empty());
  for (const auto& c : addr.components()) check(!c.name().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto binary = Multiaddr::from_bytes(in);
  if (binary) {
    check(binary->bytes().size() == size);
    check_round_trips(*binary);
  } else {
    check(binary.error().category() == multiaddr::error_category());
  }
  auto text = Multiaddr::parse(meshchat::as_string(in));
  if (text) {
    check_round_trips(*text);
  } else {
    check(text.error().category() == multiaddr::error_category());
  }
  return 0;
}
