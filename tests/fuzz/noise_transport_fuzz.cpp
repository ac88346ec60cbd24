// Fuzzes SecureTransport. Input: [mode][chunk size][data...]. Mode 0: data is ciphertext from the
// wire; decrypting it must give only bad_frame or decrypt_failed, and the same output and error
// for any chunking. Mode 1: data is plaintext, which must round-trip through any chunking.
#include <cstdint>
#include <cstdlib>

#include "p2p/noise/error.hpp"
#include "p2p/noise/transport.hpp"

namespace {

using namespace meshchat;
using namespace meshchat::p2p::noise;

void check(bool ok) {
  if (!ok) std::abort();
}

CipherKey key_of(std::uint8_t n) {
  CipherKey key;
  key.fill(n);
  return key;
}

// The seed corpus holds frames encrypted with these keys, so fuzzing starts from valid input.
SecureTransport sender() {
  return SecureTransport(CipherState(key_of(1)), CipherState(key_of(2)));
}
SecureTransport receiver() {
  return SecureTransport(CipherState(key_of(2)), CipherState(key_of(1)));
}

struct Outcome {
  std::error_code error;
  Bytes plaintext;
  std::size_t buffered = 0;
  bool operator==(const Outcome&) const = default;
};

Outcome decrypt(ByteView wire, std::size_t chunk) {
  SecureTransport t = receiver();
  Outcome out;
  while (!wire.empty()) {
    std::size_t n = std::min(chunk, wire.size());
    if (auto r = t.decrypt(wire.first(n), out.plaintext); !r) {
      out.error = r.error();
      check(out.error == Error::bad_frame || out.error == Error::decrypt_failed);
      // Sticky: the connection is dead.
      Bytes more;
      check(t.decrypt(Bytes{0, 0}, more).error() == out.error && more.empty());
      return out;
    }
    wire = wire.subspan(n);
  }
  out.buffered = t.buffered();
  check(out.buffered < kMaxFrameSize);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t chunk = 1 + static_cast<std::size_t>(data[1]) * 97;
  ByteView rest(data + 2, size - 2);
  if (data[0] % 2 == 0) {
    check(decrypt(rest, rest.size() + 1) == decrypt(rest, chunk));
    check(decrypt(rest, rest.size() + 1) == decrypt(rest, 1 + data[1] % 7));
  } else {
    SecureTransport t = sender();
    Bytes wire;
    check(t.encrypt(rest, wire).has_value());
    Outcome out = decrypt(wire, chunk);
    check(!out.error && out.buffered == 0);
    check(out.plaintext == Bytes(rest.begin(), rest.end()));
  }
  return 0;
}
