#include "p2p/host/byte_stream.hpp"

namespace meshchat::p2p {

asio::awaitable<Result<void>> read_exactly(ByteStream& stream, std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    auto n = co_await stream.read_some(out.subspan(done));
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return fail(tcp::Error::connection_closed);
    done += *n;
  }
  co_return Result<void>{};
}

asio::awaitable<Result<Bytes>> read_to_end(ByteStream& stream, std::size_t limit,
                                           std::error_code too_large) {
  Bytes out;
  std::array<std::uint8_t, 4096> buffer;
  for (;;) {
    auto n = co_await stream.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return out;
    if (out.size() + *n > limit) co_return fail(too_large);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

}  // namespace meshchat::p2p
