// A blocking client for `meshchat p2pd`'s control socket, shared by the p2pd integration tests:
// sockets with receive timeouts, a STREAM_HANDLER listener, and a daemon started as a process.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/multiaddr.hpp"
#include "crypto/peer_id.hpp"
#include "p2pd/control.hpp"
#include "process.hpp"

namespace meshchat::p2pd::client {

using namespace std::chrono_literals;
using test::Process;

inline const std::string kBin = MESHCHAT_BIN;

// A blocking socket with a receive timeout, so no test can hang.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {
    timeval tv{15, 0};  // above the daemon's 10 s request timeout
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)), reader_(other.reader_) {}
  Socket(const Socket&) = delete;

  void send(ByteView data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }
  void send(std::string_view text) { send(as_bytes(text)); }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  // Bytes as they come: what the framed reader buffered first, then the socket. Empty at EOF.
  Bytes receive() {
    if (auto early = reader_.take_remaining(); !early.empty()) return early;
    Bytes buffer(4096);
    auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    EXPECT_GE(n, 0) << "recv failed or timed out";
    buffer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return buffer;
  }
  // Exactly `size` bytes (fails the test on EOF first).
  std::string receive_text(std::size_t size) {
    std::string out;
    while (out.size() < size) {
      auto chunk = receive();
      if (chunk.empty()) break;
      out += as_string(chunk);
    }
    EXPECT_EQ(out.size(), size);
    return out;
  }
  bool at_eof() { return receive().empty(); }
  // One varint-delimited message; leftover bytes stay for receive().
  Bytes message() {
    for (;;) {
      auto next = reader_.next();
      EXPECT_TRUE(next.has_value());
      if (!next) return {};
      if (*next) return std::move(**next);
      Bytes buffer(4096);
      auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      EXPECT_GT(n, 0) << "connection ended before a whole message";
      if (n <= 0) return {};
      EXPECT_TRUE(reader_.feed(ByteView(buffer.data(), static_cast<std::size_t>(n))).has_value());
    }
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  FrameReader reader_;
};

inline Socket dial(const std::string& text) {
  auto address = *Multiaddr::parse(text);
  if (address.components()[0].protocol == Protocol::unix_socket) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    auto path = std::string(as_string(address.components()[0].value));
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0) << text;
    return Socket(fd);
  }
  auto tcp = *address.tcp_address();
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(tcp.port);
  ::inet_pton(AF_INET, tcp.host.c_str(), &sa.sin_addr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0) << text;
  return Socket(fd);
}

// A TCP listener on 127.0.0.1 for STREAM_HANDLER.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    timeval tv{15, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Listener() { ::close(fd_); }
  Multiaddr address() const { return Multiaddr::tcp("127.0.0.1", port_); }
  Socket accept() {
    int fd = ::accept(fd_, nullptr, nullptr);
    EXPECT_GE(fd, 0) << "no inbound stream reached the handler";
    return Socket(fd);
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

struct Daemon {
  std::unique_ptr<Process> process;
  std::string control;
  crypto::PeerId id = crypto::PeerId::from_public_key(
      crypto::PrivateKey::generate_ed25519().public_key());  // replaced by the printed one
  std::string host_addr;

  Response request(const Request& r) const {
    auto socket = dial(control);
    socket.send(frame(encode(r)));
    auto response = decode_response(socket.message());
    EXPECT_TRUE(response.has_value());
    return response ? *response : error_response("undecodable");
  }
};

inline Daemon start(std::vector<std::string> args) {
  args.insert(args.begin(), {kBin, "p2pd"});
  Daemon d;
  d.process = std::make_unique<Process>(args);
  auto control = d.process->read_line(10s);
  auto id = d.process->read_line(2s);
  auto header = d.process->read_line(2s);
  auto addr = d.process->read_line(2s);
  EXPECT_TRUE(control && id && header && addr) << d.process->stderr_text();
  if (!(control && id && header && addr)) return d;
  EXPECT_TRUE(control->starts_with("Control socket: ")) << *control;
  EXPECT_TRUE(id->starts_with("Peer ID: ")) << *id;
  EXPECT_EQ(*header, "Peer Addrs:");
  d.control = control->substr(16);
  d.id = *crypto::PeerId::parse(id->substr(9));
  d.host_addr = *addr;
  return d;
}

inline Daemon start_unix(const test::TempDir& dir, const std::string& name) {
  return start({"-listen", "/unix" + dir.path() + "/" + name + ".sock", "-hostAddrs",
                "/ip4/127.0.0.1/tcp/0"});
}

inline Request of_type(RequestType type) {
  Request r;
  r.type = type;
  return r;
}

}  // namespace meshchat::p2pd::client
