// Test helper: two network namespaces joined by a veth pair (10.201.x.1 and 10.201.x.2/24), so
// that tests can run real multicast between daemons without touching any real network.
// Needs root and iproute2; available() says whether this machine allows it.
#pragma once

#include <unistd.h>

#include <string>
#include <vector>

#include "process.hpp"

namespace meshchat::test {

class NetnsPair {
 public:
  NetnsPair() {
    const auto tag = std::to_string(::getpid() % 100000);
    a_ = "mc-a-" + tag;
    b_ = "mc-b-" + tag;
    const std::string veth_a = "mcva" + tag;
    const std::string veth_b = "mcvb" + tag;
    const std::string subnet = "10.201." + std::to_string(::getpid() % 250) + ".";
    address_a_ = subnet + "1";
    address_b_ = subnet + "2";
    if (::geteuid() != 0) {
      reason_ = "needs root to create network namespaces";
      return;
    }
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "netns", "add", a_},
        {"ip", "netns", "add", b_},
        {"ip", "link", "add", veth_a, "type", "veth", "peer", "name", veth_b},
        {"ip", "link", "set", veth_a, "netns", a_},
        {"ip", "link", "set", veth_b, "netns", b_},
        {"ip", "-n", a_, "addr", "add", address_a_ + "/24", "dev", veth_a},
        {"ip", "-n", b_, "addr", "add", address_b_ + "/24", "dev", veth_b},
        {"ip", "-n", a_, "link", "set", veth_a, "up"},
        {"ip", "-n", b_, "link", "set", veth_b, "up"},
        {"ip", "-n", a_, "link", "set", "lo", "up"},
        {"ip", "-n", b_, "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
      auto result = ip(step);
      if (result.status != 0) {
        reason_ = "cannot set up network namespaces (" + step[0] + " " + step[1] + " " + step[2] +
                  "): exit " + std::to_string(result.status) + " " + result.err;
        return;
      }
    }
    ready_ = true;
  }
  ~NetnsPair() {
    // Deleting a namespace removes its end of the veth pair, and with it the other end.
    (void)ip({"ip", "netns", "del", a_});
    (void)ip({"ip", "netns", "del", b_});
  }
  NetnsPair(const NetnsPair&) = delete;
  NetnsPair& operator=(const NetnsPair&) = delete;

  // `ip ...` found through PATH (it lives in /usr/sbin or /sbin depending on the system).
  static RunResult ip(std::vector<std::string> argv) {
    argv.insert(argv.begin(), "/usr/bin/env");
    return run(std::move(argv), std::chrono::seconds(10));
  }

  bool available() const { return ready_; }
  const std::string& why_not() const { return reason_; }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }
  const std::string& address_a() const { return address_a_; }
  const std::string& address_b() const { return address_b_; }

 private:
  std::string a_, b_, address_a_, address_b_, reason_;
  bool ready_ = false;
};

}  // namespace meshchat::test
