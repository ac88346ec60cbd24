// ByteStreams over a TCP socket for the connection upgrade: plain (multistream-select before
// security) and secured (muxer negotiation when the handshake did not settle it).
#pragma once

#include "p2p/host/byte_stream.hpp"
#include "p2p/host/channel_cipher.hpp"
#include "p2p/tcp/transport.hpp"

namespace meshchat::p2p {

class SocketStream final : public ByteStream {
 public:
  explicit SocketStream(tcp::Socket& socket) : socket_(socket) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override;
  asio::awaitable<Result<void>> write(ByteView data) override;
  void unread(Bytes bytes) override;
  // Read-ahead not consumed yet (handed to the next layer when the upgrade moves on).
  Bytes take_pending() { return std::move(pending_); }

 private:
  tcp::Socket& socket_;
  Bytes pending_;
};

class SecureSocketStream final : public ByteStream {
 public:
  SecureSocketStream(tcp::Socket& socket, ChannelCipher& cipher, Bytes plaintext)
      : socket_(socket), transport_(cipher), pending_(std::move(plaintext)) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override;
  asio::awaitable<Result<void>> write(ByteView data) override;
  void unread(Bytes bytes) override;
  Bytes take_pending() { return std::move(pending_); }

 private:
  tcp::Socket& socket_;
  ChannelCipher& transport_;
  Bytes pending_;  // decrypted, not yet read
};

}  // namespace meshchat::p2p
