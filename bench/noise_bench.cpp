// Noise costs on one core: complete XX handshakes (both sides, libp2p payloads and signature
// checks included) and transport encryption/decryption throughput.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "crypto/random.hpp"
#include "p2p/noise/handshake.hpp"

namespace meshchat::p2p::noise {
namespace {

struct Keys {
  crypto::PrivateKey initiator = crypto::PrivateKey::generate_ed25519();
  crypto::PrivateKey responder = crypto::PrivateKey::generate_ed25519();
};

// Runs one handshake in memory; returns both results.
std::pair<HandshakeResult, HandshakeResult> handshake(const Keys& keys, Rng& rng) {
  std::vector<std::string> muxers{"/yamux/1.0.0"};
  Handshake initiator(Role::initiator, keys.initiator, muxers, std::nullopt, rng);
  Handshake responder(Role::responder, keys.responder, muxers, std::nullopt, rng);
  while (!initiator.done() || !responder.done()) {
    if (auto out = initiator.take_output(); !out.empty()) (void)responder.feed(out);
    if (auto out = responder.take_output(); !out.empty()) (void)initiator.feed(out);
  }
  return {std::move(*initiator.finish()), std::move(*responder.finish())};
}

void BM_XXHandshake(benchmark::State& state) {
  Keys keys;
  crypto::SystemRng rng;
  for (auto _ : state) benchmark::DoNotOptimize(handshake(keys, rng));
  state.counters["handshakes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_XXHandshake)->Unit(benchmark::kMicrosecond);

void BM_Transport(benchmark::State& state) {
  Keys keys;
  crypto::SystemRng rng;
  auto [a, b] = handshake(keys, rng);
  Bytes plaintext(static_cast<std::size_t>(state.range(0)), 0x5a);
  Bytes wire;
  Bytes decrypted;
  for (auto _ : state) {
    wire.clear();
    decrypted.clear();
    (void)a.transport.encrypt(plaintext, wire);
    (void)b.transport.decrypt(wire, decrypted);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Transport)->Arg(64 * 1024)->Arg(1024 * 1024);

}  // namespace
}  // namespace meshchat::p2p::noise

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
