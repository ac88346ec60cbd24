// Raw TCP throughput over loopback, the ceiling for any protocol on top: one connection, the
// sender writes N bytes in 256 KiB writes, the receiver discards them. Prints JSON.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kChunk = 256 * 1024;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : (std::size_t{1} << 30);
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
  if (::listen(listener, 1) != 0) die("listen");
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);

  std::size_t received = 0;
  std::thread receiver([&] {
    int conn = ::accept(listener, nullptr, nullptr);
    std::vector<char> buffer(kChunk);
    for (;;) {
      ssize_t n = ::read(conn, buffer.data(), buffer.size());
      if (n <= 0) break;
      received += static_cast<std::size_t>(n);
    }
    ::close(conn);
  });

  int sender = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(sender, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
  int one = 1;
  ::setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::vector<char> buffer(kChunk, 0);
  auto start = std::chrono::steady_clock::now();
  for (std::size_t sent = 0; sent < total;) {
    ssize_t n = ::write(sender, buffer.data(), std::min(kChunk, total - sent));
    if (n <= 0) die("write");
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(sender, SHUT_WR);
  receiver.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(sender);
  ::close(listener);
  std::printf("{\"bytes\":%zu,\"seconds\":%.4f,\"gbps\":%.3f}\n", received, seconds,
              static_cast<double>(received) * 8 / seconds / 1e9);
  return received == total ? 0 : 1;
}
