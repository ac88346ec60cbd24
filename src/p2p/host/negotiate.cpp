#include "p2p/host/negotiate.hpp"

#include "p2p/multistream/dialer.hpp"
#include "p2p/multistream/listener.hpp"

namespace meshchat::p2p {

namespace {
// Multistream messages are short; a small buffer avoids reading far into the next protocol.
constexpr std::size_t kNegotiationReadSize = 1024;

template <class Machine>
asio::awaitable<Result<std::string>> drive(ByteStream& stream, Machine& machine) {
  std::array<std::uint8_t, kNegotiationReadSize> buffer;
  for (;;) {
    if (Bytes out = machine.take_output(); !out.empty()) {
      if (auto written = co_await stream.write(out); !written) co_return fail(written.error());
    }
    if (auto selected = machine.selected()) {
      if (Bytes leftover = machine.take_leftover(); !leftover.empty()) {
        stream.unread(std::move(leftover));
      }
      co_return *selected;
    }
    auto n = co_await stream.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return fail(tcp::Error::connection_closed);
    if (auto fed = machine.feed(ByteView(buffer.data(), *n)); !fed) {
      // Flush a final `na` so the peer learns why before we give up.
      if (Bytes out = machine.take_output(); !out.empty()) co_await stream.write(out);
      co_return fail(fed.error());
    }
  }
}
}  // namespace

asio::awaitable<Result<std::string>> negotiate_outbound(ByteStream& stream,
                                                        std::vector<std::string> protocols) {
  multistream::Dialer dialer(std::move(protocols));
  co_return co_await drive(stream, dialer);
}

asio::awaitable<Result<std::string>> negotiate_inbound(
    ByteStream& stream, std::function<bool(std::string_view)> supports) {
  multistream::Listener listener(std::move(supports));
  co_return co_await drive(stream, listener);
}

asio::awaitable<Result<void>> start_lazy_negotiation(ByteStream& stream,
                                                     multistream::Dialer& dialer) {
  co_return co_await stream.write(dialer.take_output());
}

asio::awaitable<Result<void>> finish_lazy_negotiation(ByteStream& stream,
                                                      multistream::Dialer& dialer) {
  std::array<std::uint8_t, kNegotiationReadSize> buffer;
  while (!dialer.done()) {
    auto n = co_await stream.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return fail(tcp::Error::connection_closed);
    if (auto fed = dialer.feed(ByteView(buffer.data(), *n)); !fed) co_return fail(fed.error());
  }
  if (Bytes leftover = dialer.take_leftover(); !leftover.empty()) {
    stream.unread(std::move(leftover));
  }
  co_return Result<void>{};
}

}  // namespace meshchat::p2p
