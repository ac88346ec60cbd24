// The meshchat CLI end to end: identity commands, a real daemon on 127.0.0.1, and the
// diagnostic clients against it, including the error paths a user meets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "p2pd_client.hpp"
#include "process.hpp"

namespace meshchat::test {
namespace {

using namespace std::chrono_literals;

const std::string kBin = MESHCHAT_BIN;
const std::regex kPeerIdPattern("12D3KooW[1-9A-HJ-NP-Za-km-z]{44}");

// A daemon in its own temporary home, listening on 127.0.0.1 with a kernel-chosen port.
class Daemon {
 public:
  Daemon() {
    auto init = run({kBin, "--home", home_.path(), "init", "--nickname", "tester"});
    EXPECT_EQ(init.status, 0) << init.err;
    peer_id_ = init.out.substr(0, init.out.find('\n'));
    process_ = std::make_unique<Process>(std::vector<std::string>{
        kBin, "--home", home_.path(), "daemon", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"});
    auto line = process_->read_line(20s);
    if (!line || line->rfind("listening ", 0) != 0) {
      ADD_FAILURE() << "daemon did not start: " << process_->stderr_text();
      return;
    }
    address_ = line->substr(std::string("listening ").size());
  }
  const std::string& address() const { return address_; }
  const std::string& peer_id() const { return peer_id_; }
  const std::string& home() const { return home_.path(); }
  Process& process() { return *process_; }

 private:
  TempDir home_;
  std::string peer_id_;
  std::string address_;
  std::unique_ptr<Process> process_;
};

TEST(Cli, InitCreatesPrivateKeyAndRefusesToOverwrite) {
  TempDir home;
  auto first = run({kBin, "--home", home.path(), "init", "--nickname", "alice"});
  ASSERT_EQ(first.status, 0) << first.err;
  std::string peer_id = first.out.substr(0, first.out.find('\n'));
  EXPECT_TRUE(std::regex_match(peer_id, kPeerIdPattern)) << peer_id;

  struct stat info {};
  ASSERT_EQ(::stat((home.path() + "/identity.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto again = run({kBin, "--home", home.path(), "init"});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;

  auto id = run({kBin, "--home", home.path(), "id", "--json"});
  ASSERT_EQ(id.status, 0) << id.err;
  auto json = nlohmann::json::parse(id.out);
  EXPECT_EQ(json["peerId"], peer_id);
  EXPECT_EQ(json["nickname"], "alice");
}

TEST(Cli, HomeFromEnvironment) {
  TempDir home;
  ::setenv("MESHCHAT_HOME", home.path().c_str(), 1);
  auto init = run({kBin, "init"});
  ::unsetenv("MESHCHAT_HOME");
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_TRUE(std::filesystem::exists(home.path() + "/identity.key"));
}

TEST(Cli, IdWithoutIdentityFails) {
  TempDir home;
  auto id = run({kBin, "--home", home.path(), "id"});
  EXPECT_EQ(id.status, 1);
  EXPECT_NE(id.err.find("meshchat init"), std::string::npos) << id.err;
}

TEST(Cli, DaemonAnswersPingIdentifyAndPerf) {
  Daemon daemon;
  ASSERT_FALSE(daemon.address().empty());
  EXPECT_NE(daemon.address().find("/ip4/127.0.0.1/tcp/"), std::string::npos);
  EXPECT_NE(daemon.address().find("/p2p/" + daemon.peer_id()), std::string::npos);

  TempDir client;
  auto ping =
      run({kBin, "--home", client.path(), "ping", daemon.address(), "-n", "3", "--interval", "0"});
  ASSERT_EQ(ping.status, 0) << ping.err;
  EXPECT_EQ(std::count(ping.out.begin(), ping.out.end(), '\n'), 3) << ping.out;
  EXPECT_NE(ping.out.find("seq=3 time="), std::string::npos) << ping.out;

  auto identify = run({kBin, "--home", client.path(), "identify", daemon.address(), "--json"});
  ASSERT_EQ(identify.status, 0) << identify.err;
  auto record = nlohmann::json::parse(identify.out);
  EXPECT_EQ(record["peerId"], daemon.peer_id());
  EXPECT_EQ(record["agentVersion"].get<std::string>().rfind("meshchat/", 0), 0u);
  auto protocols = record["protocols"].get<std::vector<std::string>>();
  for (const char* expected : {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/perf/1.0.0"}) {
    EXPECT_NE(std::find(protocols.begin(), protocols.end(), expected), protocols.end()) << expected;
  }
  EXPECT_EQ(record["observedAddr"].get<std::string>().rfind("/ip4/127.0.0.1/tcp/", 0), 0u);

  auto perf = run({kBin, "--home", client.path(), "perf", daemon.address(), "--upload", "10000000",
                   "--download", "20000000", "--json"});
  ASSERT_EQ(perf.status, 0) << perf.err;
  auto result = nlohmann::json::parse(perf.out);
  EXPECT_EQ(result["uploadBytes"], 10000000);
  EXPECT_EQ(result["downloadBytes"], 20000000);
}

TEST(Cli, DaemonStopsCleanlyOnSigterm) {
  Daemon daemon;
  ASSERT_FALSE(daemon.address().empty());
  daemon.process().signal(SIGTERM);
  auto status = daemon.process().wait(10s);
  ASSERT_TRUE(status.has_value()) << "daemon ignored SIGTERM";
  EXPECT_EQ(*status, 0) << daemon.process().stderr_text();
}

TEST(Cli, OneDaemonPerHome) {
  Daemon daemon;
  ASSERT_FALSE(daemon.address().empty());
  auto second = run(
      {kBin, "--home", daemon.home(), "daemon", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"},
      std::chrono::seconds(20));
  EXPECT_EQ(second.status, 1);
  EXPECT_NE(second.err.find("another meshchat daemon is using " + daemon.home()), std::string::npos)
      << second.err;
}

TEST(Cli, WrongPeerIdIsReported) {
  Daemon daemon;
  ASSERT_FALSE(daemon.address().empty());
  TempDir other;
  auto other_init = run({kBin, "--home", other.path(), "init"});
  std::string other_id = other_init.out.substr(0, other_init.out.find('\n'));
  std::string address = daemon.address();
  address.replace(address.find(daemon.peer_id()), daemon.peer_id().size(), other_id);
  auto ping = run({kBin, "ping", address});
  EXPECT_EQ(ping.status, 1);
  EXPECT_NE(ping.err.find("peer id mismatch"), std::string::npos) << ping.err;
}

TEST(Cli, ErrorsAreOneLineWithNonZeroExit) {
  auto bad = run({kBin, "ping", "/ip4/300.0.0.1/tcp/1"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("bad multiaddr"), std::string::npos) << bad.err;

  auto unsupported = run({kBin, "ping", "/ip4/127.0.0.1/udp/1/quic-v1"});
  EXPECT_NE(unsupported.status, 0);
  EXPECT_NE(unsupported.err.find("unsupported address"), std::string::npos) << unsupported.err;

  // A port nothing listens on: bind one, note it, close it.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(probe);
  auto refused = run({kBin, "ping", "/ip4/127.0.0.1/tcp/" + std::to_string(ntohs(addr.sin_port))});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("refused"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;

  auto usage = run({kBin, "ping"});
  EXPECT_NE(usage.status, 0);
}

TEST(Cli, SilentPeerTimesOut) {
  // Accepts TCP connections but never speaks: the handshake must time out.
  p2pd::client::Listener silent;
  auto result = run({kBin, "ping", silent.address().to_string(), "--timeout", "1"});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("timeout"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace meshchat::test
