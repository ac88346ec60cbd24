// Fuzzes the /tls/1.0.0 Handshake (libp2p/tls/tls.md): arbitrary bytes as the peer's records to a
// responder (from its first byte) or to an initiator (after its ClientHello).
// Input: [mode][chunk size][data...]. Only documented errors may come out, and the chunking must
// not change the outcome.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "crypto/error.hpp"
#include "p2p/tls/error.hpp"
#include "p2p/tls/handshake.hpp"

namespace {

using namespace meshchat;
using namespace meshchat::p2p::tls;

void check(bool ok) {
  if (!ok) std::abort();
}

const crypto::PrivateKey& identity(std::uint8_t n) {
  static const auto keys = [] {
    std::array<crypto::PrivateKey, 2> out = {
        crypto::PrivateKey::ed25519_from_seed(std::array<std::uint8_t, 32>{1}),
        crypto::PrivateKey::ed25519_from_seed(std::array<std::uint8_t, 32>{2})};
    return out;
  }();
  return keys[n];
}

bool documented(std::error_code ec) {
  if (ec.category() == error_category()) {
    auto e = static_cast<Error>(ec.value());
    return (ec.value() >= static_cast<int>(Error::bad_certificate) &&
            ec.value() <= static_cast<int>(Error::alert_received)) ||
           e == Error::internal;
  }
  return ec == crypto::Error::unsupported_key_type || ec == crypto::Error::bad_key ||
         ec == crypto::Error::bad_key_protobuf || ec == crypto::Error::bad_signature;
}

struct Outcome {
  std::error_code error;
  bool done = false;
  bool operator==(const Outcome&) const = default;
};

Outcome run(bool server, ByteView data, std::size_t chunk) {
  const WallTime now = std::chrono::sys_days{std::chrono::year{2024} / 6 / 1};
  Handshake h = server
                    ? Handshake(Role::responder, identity(1), {"/yamux/1.0.0"}, std::nullopt, now)
                    : Handshake(Role::initiator, identity(0), {"/yamux/1.0.0"}, std::nullopt, now);
  (void)h.take_output();
  Outcome out;
  while (!data.empty() && !out.error) {
    std::size_t n = std::min(chunk, data.size());
    if (auto r = h.feed(data.first(n)); !r) out.error = r.error();
    data = data.subspan(n);
  }
  (void)h.take_output();
  out.done = h.done();
  check(!out.error || documented(out.error));
  check(!out.error || !out.done);
  if (out.done) {
    auto result = h.finish();
    check(result.has_value());
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  bool server = (data[0] & 1) == 0;
  std::size_t chunk = 1 + data[1];
  ByteView rest(data + 2, size - 2);
  Outcome whole = run(server, rest, rest.size() + 1);
  Outcome chunked = run(server, rest, chunk);
  check(whole == chunked);
  return 0;
}
