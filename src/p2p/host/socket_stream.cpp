#include "p2p/host/socket_stream.hpp"

#include <boost/asio/write.hpp>
#include <cstring>

namespace meshchat::p2p {

namespace {
// Negotiation messages are tiny; this bounds each read during the upgrade.
constexpr std::size_t kUpgradeReadSize = 16 * 1024;

std::size_t take_front(Bytes& pending, std::span<std::uint8_t> out) {
  std::size_t n = std::min(out.size(), pending.size());
  std::memcpy(out.data(), pending.data(), n);
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

void put_back(Bytes& pending, Bytes bytes) {
  bytes.insert(bytes.end(), pending.begin(), pending.end());
  pending = std::move(bytes);
}
}  // namespace

asio::awaitable<Result<std::size_t>> SocketStream::read_some(std::span<std::uint8_t> out) {
  if (!pending_.empty()) co_return take_front(pending_, out);
  auto [ec, n] =
      co_await socket_.async_read_some(asio::buffer(out.data(), out.size()), use_nothrow);
  if (ec == asio::error::eof) co_return 0;
  if (ec) co_return fail(ec);
  co_return n;
}

asio::awaitable<Result<void>> SocketStream::write(ByteView data) {
  auto [ec, n] =
      co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), use_nothrow);
  if (ec) co_return fail(ec);
  co_return Result<void>{};
}

void SocketStream::unread(Bytes bytes) {
  put_back(pending_, std::move(bytes));
}

asio::awaitable<Result<std::size_t>> SecureSocketStream::read_some(std::span<std::uint8_t> out) {
  Bytes ciphertext(kUpgradeReadSize);
  while (pending_.empty()) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(ciphertext), use_nothrow);
    if (ec == asio::error::eof) co_return 0;
    if (ec) co_return fail(ec);
    if (auto r = transport_.decrypt(ByteView(ciphertext.data(), n), pending_); !r) {
      co_return fail(r.error());
    }
  }
  co_return take_front(pending_, out);
}

asio::awaitable<Result<void>> SecureSocketStream::write(ByteView data) {
  Bytes wire;
  if (auto r = transport_.encrypt(data, wire); !r) co_return fail(r.error());
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(wire), use_nothrow);
  if (ec) co_return fail(ec);
  co_return Result<void>{};
}

void SecureSocketStream::unread(Bytes bytes) {
  put_back(pending_, std::move(bytes));
}

}  // namespace meshchat::p2p
