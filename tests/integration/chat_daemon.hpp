// Test helper: one `meshchat daemon` in its own temporary home, driven through the CLI; it can
// be stopped, killed and restarted on the same TCP port, so that contacts still reach it.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "process.hpp"

namespace meshchat::test {

// Polls `predicate` every 100 ms until it holds or `timeout` passed; true if it held.
inline bool wait_until(const std::function<bool()>& predicate,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

inline std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

class ChatDaemon {
 public:
  // Creates the identity; the daemon itself starts with start(). With a network namespace the
  // daemon and every CLI call run inside it, listening on all its interfaces with mDNS on;
  // without one it listens on 127.0.0.1 only, with mDNS off.
  explicit ChatDaemon(std::string nickname, std::string netns = {})
      : nickname_(std::move(nickname)), netns_(std::move(netns)) {
    auto init = run({MESHCHAT_BIN, "--home", home_.path(), "init", "--nickname", nickname_});
    EXPECT_EQ(init.status, 0) << init.err;
    peer_id_ = first_line(init.out);
  }

  // A daemon still running is stopped and must exit cleanly; one that died on its own (a
  // crash, a sanitizer report) fails the test.
  ~ChatDaemon() {
    if (process_ && !ended_by_test_) {
      if (running()) {
        process_->signal(SIGTERM);
        auto status = process_->wait(std::chrono::seconds(15));
        EXPECT_EQ(status, std::optional<int>(0)) << nickname_ << " did not stop cleanly";
      } else {
        ADD_FAILURE() << nickname_ << " daemon died during the test, status "
                      << process_->wait(std::chrono::seconds(0)).value_or(-1);
      }
    }
    if (::testing::Test::HasFailure()) {
      std::cerr << "--- " << nickname_ << " daemon log (tail) ---\n" << log_tail(80) << "---\n";
    }
  }

  ChatDaemon(const ChatDaemon&) = delete;
  ChatDaemon& operator=(const ChatDaemon&) = delete;

  // Starts the daemon (on the port of the previous run, if any) and waits until its local API
  // is ready. Reports a failure and returns false if it does not get there.
  bool start() {
    if (running()) {
      ADD_FAILURE() << nickname_ << " is already running";
      return false;
    }
    std::string listen =
        (netns_.empty() ? "/ip4/127.0.0.1/tcp/" : "/ip4/0.0.0.0/tcp/") + std::to_string(port_);
    std::string prefix = netns_.empty() ? "" : "ip netns exec " + netns_ + " ";
    // The log goes to a file: a pipe nobody drains would block the daemon once full.
    std::string command = "exec " + prefix + "'" + std::string(MESHCHAT_BIN) + "' --home '" +
                          home() + "' daemon " + (netns_.empty() ? "--no-mdns " : "") +
                          "--listen " + listen + " --log-level debug 2>>'" + log_path() + "'";
    process_ = std::make_unique<Process>(std::vector<std::string>{"/bin/sh", "-c", command});
    ended_by_test_ = false;
    static const std::regex kListening("listening (/ip4/127\\.0\\.0\\.1/tcp/([0-9]+)/p2p/\\S+)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto line = left.count() > 0 ? process_->read_line(left) : std::nullopt;
      if (!line) {
        ADD_FAILURE() << nickname_ << " daemon did not start; log:\n" << log_tail(40);
        kill();
        return false;
      }
      std::smatch match;
      if (std::regex_match(*line, match, kListening)) {
        address_ = match[1];
        port_ = static_cast<std::uint16_t>(std::stoi(match[2]));
      } else if (line->rfind("api http://127.0.0.1:", 0) == 0) {
        if (port_ == 0) {
          ADD_FAILURE() << nickname_ << " printed no 127.0.0.1 listening address";
          return false;
        }
        return true;
      }
    }
  }

  // SIGTERM; returns the exit status (nullopt if it did not exit within 15 s).
  std::optional<int> stop() {
    if (!running()) return std::nullopt;
    ended_by_test_ = true;
    process_->signal(SIGTERM);
    auto status = process_->wait(std::chrono::seconds(15));
    EXPECT_TRUE(status.has_value()) << nickname_ << " ignored SIGTERM";
    return status;
  }

  // SIGKILL: no chance to flush, close or remove api.json.
  void kill() {
    ended_by_test_ = true;
    if (!running()) return;
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(10));
  }

  bool running() { return process_ && !process_->wait(std::chrono::milliseconds(0)).has_value(); }

  // `meshchat --home <home> args...`
  RunResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv;
    if (!netns_.empty()) argv = {"/usr/bin/env", "ip", "netns", "exec", netns_};
    argv.insert(argv.end(), {MESHCHAT_BIN, "--home", home()});
    argv.insert(argv.end(), args.begin(), args.end());
    return run(std::move(argv), std::chrono::seconds(60));
  }

  // The conversation with `contact`, oldest first (null after a reported failure).
  nlohmann::json messages_json(const std::string& contact, int limit = 1000) {
    std::string error;
    auto messages = query_messages(contact, limit, error);
    if (messages.is_null()) ADD_FAILURE() << nickname_ << ": messages " << contact << ": " << error;
    return messages;
  }

  // Same, but a failure (the conversation does not exist yet) is only a null result.
  nlohmann::json try_messages_json(const std::string& contact, int limit = 1000) {
    std::string ignored;
    return query_messages(contact, limit, ignored);
  }

  // The message with `id` in the conversation with `contact`, or null.
  nlohmann::json find_message(const std::string& contact, const std::string& id) {
    auto messages = messages_json(contact);
    if (!messages.is_array()) return nullptr;
    for (const auto& message : messages) {
      if (message["id"] == id) return message;
    }
    return nullptr;
  }

  std::string invite() {
    auto result = cli({"invite"});
    EXPECT_EQ(result.status, 0) << result.err;
    return first_line(result.out);
  }

  // Adds a contact from an invite code or multiaddr; returns the printed PeerId.
  std::string add_contact(const std::string& code) {
    auto result = cli({"contacts", "add", code});
    EXPECT_EQ(result.status, 0) << result.err;
    return first_line(result.out);
  }

  // Sends `text` to `contact`; returns the message id ("" after a reported failure).
  std::string send(const std::string& contact, const std::string& text) {
    auto result = cli({"send", contact, text});
    EXPECT_EQ(result.status, 0) << nickname_ << ": send failed: " << result.err;
    static const std::regex kMessageId("[0-9a-f]{64}");
    auto id = first_line(result.out);
    EXPECT_TRUE(std::regex_match(id, kMessageId)) << "not a message id: " << result.out;
    return result.status == 0 ? id : std::string();
  }

  const std::string& home() const { return home_.path(); }
  const std::string& peer_id() const { return peer_id_; }
  const std::string& nickname() const { return nickname_; }
  // The p2p address of the current (or last) run: /ip4/127.0.0.1/tcp/PORT/p2p/PEERID.
  const std::string& address() const { return address_; }
  std::uint16_t port() const { return port_; }
  std::string log_path() const { return home() + "/daemon.log"; }

  std::string log_tail(std::size_t lines) const {
    std::ifstream file(log_path());
    std::vector<std::string> all;
    for (std::string line; std::getline(file, line);) all.push_back(std::move(line));
    std::ostringstream out;
    for (auto i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
      out << all[i] << "\n";
    }
    return out.str();
  }

 private:
  nlohmann::json query_messages(const std::string& contact, int limit, std::string& error) {
    auto result = cli({"messages", contact, "--json", "--limit", std::to_string(limit)});
    if (result.status != 0) {
      error = "exit " + std::to_string(result.status) + ": " + result.err;
      return nullptr;
    }
    auto messages = nlohmann::json::parse(result.out, nullptr, false);
    if (!messages.is_array()) {
      error = "not a JSON array: " + result.out;
      return nullptr;
    }
    return messages;
  }

  TempDir home_;
  std::string nickname_;
  std::string netns_;
  std::string peer_id_;
  std::string address_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
  bool ended_by_test_ = true;  // stop() or kill() ended the last run (or none started)
};

// Each adds the other from its invite code (both must be running).
inline void befriend(ChatDaemon& a, ChatDaemon& b) {
  EXPECT_EQ(a.add_contact(b.invite()), b.peer_id());
  EXPECT_EQ(b.add_contact(a.invite()), a.peer_id());
}

}  // namespace meshchat::test
