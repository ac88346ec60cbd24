// `meshchat p2pd` as a process on 127.0.0.1, driven through its control socket by a client
// written here (blocking sockets and the p2pd control codec): identify, connect, list peers,
// streams through STREAM_OPEN/STREAM_HANDLER, refusals, and flag handling.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <thread>

#include "core/multiaddr.hpp"
#include "core/varint.hpp"
#include "crypto/peer_id.hpp"
#include "p2pd/control.hpp"
#include "process.hpp"

namespace meshchat::p2pd {
namespace {

using namespace std::chrono_literals;
using test::Process;

const std::string kBin = MESHCHAT_BIN;

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

Socket dial(const std::string& text) {
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

Daemon start(std::vector<std::string> args) {
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

Daemon start_unix(const test::TempDir& dir, const std::string& name) {
  return start({"-listen", "/unix" + dir.path() + "/" + name + ".sock", "-hostAddrs",
                "/ip4/127.0.0.1/tcp/0"});
}

Request of_type(RequestType type) {
  Request r;
  r.type = type;
  return r;
}

TEST(P2pd, IdentifyOverUnixSocket) {
  test::TempDir dir;
  auto d = start_unix(dir, "p2pd");
  EXPECT_EQ(d.control, "/unix" + dir.path() + "/p2pd.sock");
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() + "/p2pd.sock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto r = d.request(of_type(RequestType::identify));
  ASSERT_EQ(r.type, ResponseType::ok);
  ASSERT_TRUE(r.identify.has_value());
  EXPECT_EQ(r.identify->id, d.id.bytes());
  ASSERT_EQ(r.identify->addrs.size(), 1u);
  EXPECT_EQ(Multiaddr::from_bytes(r.identify->addrs[0])->to_string(), d.host_addr);

  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait(1500ms), 0);                             // exits within a second or so
  EXPECT_NE(::stat((dir.path() + "/p2pd.sock").c_str(), &info), 0);  // socket file removed
}

TEST(P2pd, TcpControlEndpointAndStaleSocketFile) {
  auto d = start({"-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs", "/ip4/127.0.0.1/tcp/0"});
  EXPECT_TRUE(d.control.starts_with("/ip4/127.0.0.1/tcp/"));
  EXPECT_FALSE(d.control.ends_with("/tcp/0"));
  EXPECT_EQ(d.request(of_type(RequestType::identify)).identify->id, d.id.bytes());

  test::TempDir dir;  // a socket file left behind by a killed daemon is replaced
  auto first = start_unix(dir, "stale");
  first.process->signal(SIGKILL);
  first.process->wait(2s);
  auto second = start_unix(dir, "stale");
  EXPECT_EQ(second.request(of_type(RequestType::identify)).identify->id, second.id.bytes());

  auto refused = test::run({kBin, "p2pd", "-listen", "/ip4/0.0.0.0/tcp/0"}, 10s);
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("loopback"), std::string::npos) << refused.err;
}

TEST(P2pd, ConnectListStreamsAndDisconnect) {
  test::TempDir dir;
  auto a = start_unix(dir, "a");
  auto b = start_unix(dir, "b");
  EXPECT_TRUE(a.request(of_type(RequestType::list_peers)).peers.empty());  // no self-dialing

  auto b_identify = b.request(of_type(RequestType::identify));
  Request connect = of_type(RequestType::connect);
  connect.connect = ConnectRequest{b.id.bytes(), b_identify.identify->addrs, 5};
  auto connected = a.request(connect);
  ASSERT_EQ(connected.type, ResponseType::ok) << (connected.error ? connected.error->msg : "");

  auto a_peers = a.request(of_type(RequestType::list_peers));
  ASSERT_EQ(a_peers.peers.size(), 1u);
  EXPECT_EQ(a_peers.peers[0].id, b.id.bytes());
  EXPECT_EQ(Multiaddr::from_bytes(a_peers.peers[0].addrs.at(0))->to_string(), b.host_addr);
  Response b_peers;
  for (int i = 0; i < 50 && b_peers.peers.empty(); ++i) {  // B registers the inbound side
    b_peers = b.request(of_type(RequestType::list_peers));
    if (b_peers.peers.empty()) std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(b_peers.peers.size(), 1u);
  EXPECT_EQ(b_peers.peers[0].id, a.id.bytes());

  // B routes /test/pipe to a TCP listener here and /test/unix to a unix one.
  Listener handler;
  Request reg = of_type(RequestType::stream_handler);
  reg.stream_handler = StreamHandlerRequest{handler.address().bytes(), {"/test/pipe"}};
  ASSERT_EQ(b.request(reg).type, ResponseType::ok);

  auto opener = dial(a.control);
  Request open = of_type(RequestType::stream_open);
  open.stream_open = StreamOpenRequest{b.id.bytes(), {"/test/nope", "/test/pipe"}, 5};
  opener.send(frame(encode(open)));
  opener.send("ping");  // right behind the request: must reach the stream, not be lost
  auto opened = decode_response(opener.message());
  ASSERT_TRUE(opened.has_value());
  ASSERT_EQ(opened->type, ResponseType::ok) << (opened->error ? opened->error->msg : "");
  EXPECT_EQ(opened->stream_info->peer, b.id.bytes());
  EXPECT_EQ(opened->stream_info->proto, "/test/pipe");
  EXPECT_EQ(Multiaddr::from_bytes(opened->stream_info->addr)->to_string(), b.host_addr);

  auto inbound = handler.accept();
  auto info = decode_stream_info(inbound.message());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->peer, a.id.bytes());
  EXPECT_EQ(info->proto, "/test/pipe");
  EXPECT_EQ(inbound.receive_text(4), "ping");
  inbound.send("pong");
  EXPECT_EQ(opener.receive_text(4), "pong");
  opener.shutdown_write();  // half-close travels A client → stream → B handler
  EXPECT_TRUE(inbound.at_eof());
  inbound.send("bye");  // the other direction still works
  EXPECT_EQ(opener.receive_text(3), "bye");
  inbound.shutdown_write();
  EXPECT_TRUE(opener.at_eof());

  // A unix-socket handler, and a protocol nobody serves.
  auto unix_path = dir.path() + "/handler.sock";
  int unix_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, unix_path.c_str(), unix_path.size() + 1);
  ASSERT_EQ(::bind(unix_fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(unix_fd, 4), 0);
  reg.stream_handler =
      StreamHandlerRequest{Multiaddr::parse("/unix" + unix_path)->bytes(), {"/test/unix"}};
  ASSERT_EQ(b.request(reg).type, ResponseType::ok);
  open.stream_open->protos = {"/test/unix"};
  auto second = dial(a.control);
  second.send(frame(encode(open)));
  ASSERT_EQ(decode_response(second.message())->type, ResponseType::ok);
  Socket unix_inbound(::accept(unix_fd, nullptr, nullptr));
  EXPECT_EQ(decode_stream_info(unix_inbound.message())->proto, "/test/unix");
  second.send("via unix");
  EXPECT_EQ(unix_inbound.receive_text(8), "via unix");
  ::close(unix_fd);

  // A handler address that does not answer: that inbound stream is reset, B keeps serving.
  int closed_port_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in closed_sa{};
  closed_sa.sin_family = AF_INET;
  closed_sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(closed_port_fd, reinterpret_cast<sockaddr*>(&closed_sa), sizeof closed_sa), 0);
  socklen_t closed_len = sizeof closed_sa;
  ::getsockname(closed_port_fd, reinterpret_cast<sockaddr*>(&closed_sa), &closed_len);
  ::close(closed_port_fd);  // nothing listens there any more
  reg.stream_handler = StreamHandlerRequest{
      Multiaddr::tcp("127.0.0.1", ntohs(closed_sa.sin_port)).bytes(), {"/test/dead"}};
  ASSERT_EQ(b.request(reg).type, ResponseType::ok);
  open.stream_open->protos = {"/test/dead"};
  auto dead = dial(a.control);
  dead.send(frame(encode(open)));
  auto dead_response = decode_response(dead.message());
  ASSERT_TRUE(dead_response.has_value());
  if (dead_response->type == ResponseType::ok) {
    // The stream ends (EOF or reset), rather than hanging until the receive timeout.
    char byte;
    auto n = ::recv(dead.fd(), &byte, 1, 0);
    EXPECT_TRUE(n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
        << "the stream to an unreachable handler must end";
  }
  EXPECT_EQ(b.request(of_type(RequestType::identify)).type, ResponseType::ok);

  open.stream_open->protos = {"/test/none"};
  auto refused = a.request(open);
  EXPECT_EQ(refused.type, ResponseType::error);

  Request disconnect = of_type(RequestType::disconnect);
  disconnect.disconnect = DisconnectRequest{b.id.bytes()};
  EXPECT_EQ(a.request(disconnect).type, ResponseType::ok);
  Response after = a.request(of_type(RequestType::list_peers));
  for (int i = 0; i < 50 && !after.peers.empty(); ++i) {  // the GoAway flushes first
    std::this_thread::sleep_for(20ms);
    after = a.request(of_type(RequestType::list_peers));
  }
  EXPECT_TRUE(after.peers.empty());
}

TEST(P2pd, UnsupportedRequestsAndBadInput) {
  test::TempDir dir;
  auto d = start_unix(dir, "p2pd");
  Request dht = of_type(RequestType::dht);
  dht.dht = Bytes{0x08, 0x00};
  auto r = d.request(dht);
  EXPECT_EQ(r.type, ResponseType::error);
  EXPECT_NE(r.error->msg.find("not supported"), std::string::npos);

  Request connect = of_type(RequestType::connect);  // without its ConnectRequest
  EXPECT_EQ(d.request(connect).error->msg, "Malformed request; missing parameters");
  connect.connect = ConnectRequest{Bytes{1, 2, 3}, {}, std::nullopt};
  EXPECT_EQ(d.request(connect).type, ResponseType::error);

  // A body that is not a protobuf: an error response, then the daemon closes.
  auto malformed = dial(d.control);
  malformed.send(frame(Bytes{0x0a, 0x05}));
  auto response = decode_response(malformed.message());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->type, ResponseType::error);
  EXPECT_TRUE(malformed.at_eof());

  auto oversized = dial(d.control);
  oversized.send(varint::encode(kMaxMessageBytes + 1));
  response = decode_response(oversized.message());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->type, ResponseType::error);
  EXPECT_TRUE(oversized.at_eof());

  EXPECT_EQ(d.request(of_type(RequestType::identify)).type, ResponseType::ok);  // still serving
}

TEST(P2pd, StalledClientIsDropped) {
  test::TempDir dir;
  auto d = start_unix(dir, "p2pd");
  auto stalled = dial(d.control);
  stalled.send(Bytes{0x0a, 0x08});  // announces 10 bytes, sends one
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled.at_eof());
  auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(waited, 9s);
  EXPECT_LT(waited, 14s);
}

TEST(P2pd, FlagErrorsAndUnsupportedConfigurations) {
  auto unknown = test::run({kBin, "p2pd", "-x"}, 10s);
  EXPECT_EQ(unknown.status, 2);
  EXPECT_TRUE(unknown.err.starts_with("flag provided but not defined: -x\n")) << unknown.err;

  for (auto flag : {"-dht", "-pubsub", "-relay", "-muxer=mplex"}) {
    auto r = test::run({kBin, "p2pd", "-listen", "/ip4/127.0.0.1/tcp/0", flag}, 10s);
    EXPECT_EQ(r.status, 77) << flag;
    EXPECT_NE(r.err.find("not supported"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;  // refused before ready
  }
  auto quic = test::run({kBin, "p2pd", "-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs",
                         "/ip4/127.0.0.1/udp/0/quic-v1/webtransport"},
                        10s);
  EXPECT_EQ(quic.status, 77);
}

TEST(P2pd, QuietAndIdentityFile) {
  test::TempDir dir;
  auto key = crypto::PrivateKey::generate_ed25519();
  auto key_path = dir.path() + "/key";
  {
    auto bytes = key.to_protobuf();
    FILE* f = std::fopen(key_path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  auto d = start({"-listen", "/unix" + dir.path() + "/k.sock", "-hostAddrs", "/ip4/127.0.0.1/tcp/0",
                  "-id", key_path});
  EXPECT_EQ(d.id, crypto::PeerId::from_public_key(key.public_key()));

  Process quiet({kBin, "p2pd", "-q", "-listen", "/unix" + dir.path() + "/q.sock", "-hostAddrs",
                 "/ip4/127.0.0.1/tcp/0"});
  EXPECT_FALSE(quiet.read_line(1s).has_value());
  struct stat info {};
  EXPECT_EQ(::stat((dir.path() + "/q.sock").c_str(), &info), 0);
  quiet.signal(SIGTERM);
  EXPECT_EQ(quiet.wait(1500ms), 0);
}

}  // namespace
}  // namespace meshchat::p2pd
