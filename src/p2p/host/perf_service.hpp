// `/perf/1.0.0` over the host: the server handler and the client used by `meshchat perf` and
// the benchmarks. Sends come from a shared zero buffer, so large transfers allocate nothing.
#pragma once

#include "p2p/host/host.hpp"
#include "p2p/perf/client.hpp"
#include "p2p/perf/server.hpp"

namespace meshchat::p2p {

class PerfService final : public StreamHandler {
 public:
  explicit PerfService(perf::ServerConfig config = {}) : config_(config) {}
  asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override;

 private:
  perf::ServerConfig config_;
};

// Uploads `upload` bytes, then downloads `download` bytes on a negotiated perf stream.
asio::awaitable<Result<perf::ClientResult>> run_perf(std::shared_ptr<Stream> stream,
                                                     std::uint64_t upload, std::uint64_t download,
                                                     TimePoint start);

}  // namespace meshchat::p2p
