#include "p2p/host/perf_service.hpp"

namespace meshchat::p2p {

namespace {
// Large reads keep the per-call overhead negligible at multi-Gbit/s.
constexpr std::size_t kPerfReadSize = 256 * 1024;
}  // namespace

asio::awaitable<void> PerfService::handle(std::shared_ptr<Stream> stream) {
  perf::Server server(config_);
  Bytes buffer(kPerfReadSize);
  for (;;) {
    auto n = co_await stream->read_some(buffer);
    if (!n) co_return stream->reset();
    if (*n == 0) break;
    if (!server.on_bytes(ByteView(buffer.data(), *n))) co_return stream->reset();
  }
  if (!server.on_eof()) co_return stream->reset();
  for (ByteView chunk = server.next_send(); !chunk.empty(); chunk = server.next_send()) {
    if (!co_await stream->write(chunk)) co_return stream->reset();
    server.on_sent(chunk.size());
  }
  stream->close_write();
}

asio::awaitable<Result<perf::ClientResult>> run_perf(std::shared_ptr<Stream> stream,
                                                     std::uint64_t upload, std::uint64_t download,
                                                     TimePoint start) {
  perf::Client client(upload, download, start);
  for (ByteView chunk = client.next_send(); !chunk.empty(); chunk = client.next_send()) {
    if (auto written = co_await stream->write(chunk); !written) co_return fail(written.error());
    client.on_sent(chunk.size(), Clock::now());
  }
  stream->close_write();
  Bytes buffer(kPerfReadSize);
  for (;;) {
    auto n = co_await stream->read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return client.on_eof(Clock::now());
    if (auto fed = client.on_bytes(ByteView(buffer.data(), *n), Clock::now()); !fed) {
      co_return fail(fed.error());
    }
  }
}

}  // namespace meshchat::p2p
