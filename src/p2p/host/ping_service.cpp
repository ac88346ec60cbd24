#include "p2p/host/ping_service.hpp"

#include "p2p/ping/pinger.hpp"
#include "p2p/ping/responder.hpp"

namespace meshchat::p2p {

asio::awaitable<void> PingService::handle(std::shared_ptr<Stream> stream) {
  ping::Responder responder;
  std::array<std::uint8_t, 4 * ping::kPayloadSize> buffer;
  for (;;) {
    auto n = co_await stream->read_some(buffer);
    if (!n) co_return stream->reset();
    if (*n == 0) {
      if (!responder.on_eof()) co_return stream->reset();
      co_return stream->close_write();
    }
    if (!responder.feed(ByteView(buffer.data(), *n))) co_return stream->reset();
    if (Bytes out = responder.take_output(); !out.empty()) {
      if (!co_await stream->write(out)) co_return stream->reset();
    }
  }
}

asio::awaitable<Result<Duration>> ping_once(Stream& stream, Rng& rng) {
  ping::Pinger pinger;
  Bytes payload = pinger.start(rng, Clock::now());
  if (auto written = co_await stream.write(payload); !written) co_return fail(written.error());
  std::array<std::uint8_t, ping::kPayloadSize> buffer;
  for (;;) {
    auto n = co_await stream.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return fail(tcp::Error::connection_closed);
    auto rtt = pinger.on_bytes(ByteView(buffer.data(), *n), Clock::now());
    if (!rtt) co_return fail(rtt.error());
    if (*rtt) co_return **rtt;
  }
}

}  // namespace meshchat::p2p
