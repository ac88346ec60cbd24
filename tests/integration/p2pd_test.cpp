// `meshchat p2pd` as a process on 127.0.0.1, driven through its control socket by a client
// written here (blocking sockets and the p2pd control codec): identify, connect, list peers,
// streams through STREAM_OPEN/STREAM_HANDLER, refusals, and flag handling.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <thread>

#include "core/varint.hpp"
#include "p2pd_client.hpp"

namespace meshchat::p2pd {
namespace {

using namespace client;

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
  Request pubsub = of_type(RequestType::pubsub);
  pubsub.pubsub = Bytes{0x08, 0x00};
  auto r = d.request(pubsub);
  EXPECT_EQ(r.type, ResponseType::error);
  EXPECT_NE(r.error->msg.find("not supported"), std::string::npos);
  Request dht = of_type(RequestType::dht);  // a daemon started without -dht
  dht.dht = Bytes{0x08, 0x00};
  auto off = d.request(dht);
  EXPECT_EQ(off.type, ResponseType::error);
  EXPECT_NE(off.error->msg.find("-dht"), std::string::npos) << off.error->msg;

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

  for (auto flag : {"-pubsub", "-relay", "-muxer=mplex"}) {
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
