// Chat between real daemons on 127.0.0.1, driven through the CLI and the local API: delivery and
// receipts, the durable outbox across restarts and kill -9, typing, presence, sync of a restored
// database, edits, a large offline backlog, and the errors a user meets.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "api/client.hpp"
#include "chat_daemon.hpp"

namespace meshchat::test {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;
using nlohmann::json;

// Generous: these bound waits for work that takes milliseconds, on a loaded machine.
constexpr auto kDeadline = 30s;

bool all_have_status(const json& messages, const std::string& status) {
  return messages.is_array() &&
         std::all_of(messages.begin(), messages.end(),
                     [&](const json& message) { return message["status"] == status; });
}

// Every message we sent has been acknowledged (delivered or read).
bool outgoing_delivered(const json& messages) {
  return messages.is_array() &&
         std::all_of(messages.begin(), messages.end(), [](const json& message) {
           return message["direction"] != "out" || message["status"] == "delivered" ||
                  message["status"] == "read";
         });
}

std::vector<std::string> texts_of(const json& messages) {
  std::vector<std::string> texts;
  if (!messages.is_array()) return texts;
  for (const auto& message : messages) texts.push_back(message["text"].get<std::string>());
  return texts;
}

// Sends from `from` to `to` (both running, contacts of each other) and waits until `to` has it.
std::string exchange(ChatDaemon& from, ChatDaemon& to, const std::string& text) {
  auto id = from.send(to.nickname(), text);
  EXPECT_TRUE(
      wait_until([&] { return !to.find_message(from.nickname(), id).is_null(); }, kDeadline))
      << to.nickname() << " never received \"" << text << "\"";
  return id;
}

// Reads `watch --json` lines until one satisfies `matches`; null after `timeout`.
json wait_for_event(Process& watch, const std::function<bool(const json&)>& matches,
                    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto line = watch.read_line(left);
    if (!line) return nullptr;  // timed out or the watch ended
    auto event = json::parse(*line, nullptr, false);
    EXPECT_FALSE(event.is_discarded()) << "watch printed a line that is not JSON: " << *line;
    if (!event.is_discarded() && matches(event)) return event;
  }
}

struct RawReply {
  unsigned status = 0;
  std::string body;
};

// One HTTP request to the local API with a hand-made Authorization header (or none), bypassing
// api::Client, which always sends the token. Status 0 when the exchange failed.
RawReply raw_request(std::uint16_t port, std::optional<std::string> authorization) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::address_v4::loopback(), port}, ec);
  if (ec) return {0, "connect: " + ec.message()};
  // A daemon that never answers fails the read instead of hanging the test.
  timeval timeout{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  http::request<http::empty_body> request(verb::get, "/v1/status", 11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (authorization) request.set(http::field::authorization, *authorization);
  http::write(socket, request, ec);
  if (ec) return {0, "write: " + ec.message()};
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response, ec);
  if (ec) return {0, "read: " + ec.message()};
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return {response.result_int(), response.body()};
}

// --- 1 ---------------------------------------------------------------------------------------

TEST(Chat, OnlineDeliveryAndReadReceipts) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);

  auto id = alice.send("bob", "hello bob");
  ASSERT_FALSE(id.empty());
  json received;
  ASSERT_TRUE(
      wait_until([&] { return !(received = bob.find_message("alice", id)).is_null(); }, kDeadline));
  EXPECT_EQ(received["text"], "hello bob");
  EXPECT_EQ(received["direction"], "in");
  EXPECT_EQ(received["author"], alice.peer_id());
  EXPECT_EQ(received["status"], "received");
  EXPECT_EQ(received["edited"], false);
  EXPECT_EQ(received["deleted"], false);

  ASSERT_TRUE(wait_until([&] { return alice.find_message("bob", id)["status"] == "delivered"; },
                         kDeadline));
  auto sent = alice.find_message("bob", id);
  EXPECT_EQ(sent["direction"], "out");
  EXPECT_EQ(sent["author"], alice.peer_id());
  EXPECT_EQ(sent["timestamp"], received["timestamp"]);
  EXPECT_EQ(sent["hlc"], received["hlc"]);

  auto read = bob.cli({"read", "alice"});
  ASSERT_EQ(read.status, 0) << read.err;
  EXPECT_NE(read.out.find("1 message(s) read"), std::string::npos) << read.out;
  EXPECT_EQ(bob.find_message("alice", id)["status"], "read");
  EXPECT_TRUE(
      wait_until([&] { return alice.find_message("bob", id)["status"] == "read"; }, kDeadline));
  EXPECT_EQ(alice.messages_json("bob").size(), 1u);
  EXPECT_EQ(bob.messages_json("alice").size(), 1u);
}

// --- 2 ---------------------------------------------------------------------------------------

// Only Alice knows Bob: his return does not bring a dial from him, her outbox retries find him.
TEST(Chat, OfflineQueueIsDeliveredWhenTheRecipientReturns) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  EXPECT_EQ(alice.add_contact(bob.invite()), bob.peer_id());
  ASSERT_EQ(bob.stop(), 0);

  std::vector<std::string> ids;
  for (const char* text : {"one", "two", "three"}) ids.push_back(alice.send("bob", text));
  auto queued = alice.messages_json("bob");
  ASSERT_EQ(queued.size(), 3u);
  EXPECT_TRUE(all_have_status(queued, "queued")) << queued.dump(2);
  auto status = alice.cli({"status", "--json"});
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_EQ(json::parse(status.out)["outbox"], 3);

  ASSERT_TRUE(bob.start());
  json arrived;  // a stranger's conversation is named by the stranger's PeerId
  ASSERT_TRUE(wait_until(
      [&] { return (arrived = bob.try_messages_json(alice.peer_id())).size() == 3; }, kDeadline));
  EXPECT_EQ(texts_of(arrived), (std::vector<std::string>{"one", "two", "three"}));
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(arrived[i]["id"], ids[i]);
  EXPECT_TRUE(all_have_status(arrived, "received"));
  EXPECT_TRUE(wait_until([&] { return all_have_status(alice.messages_json("bob"), "delivered"); },
                         kDeadline));
  status = alice.cli({"status", "--json"});
  EXPECT_EQ(json::parse(status.out)["outbox"], 0);
}

// --- 3 ---------------------------------------------------------------------------------------

TEST(Chat, QueueSurvivesSenderRestart) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  ASSERT_EQ(bob.stop(), 0);

  auto id = alice.send("bob", "written before a restart");
  ASSERT_EQ(alice.stop(), 0);
  EXPECT_EQ(alice.find_message("bob", id)["status"], "queued");  // read from the database
  ASSERT_TRUE(alice.start());
  EXPECT_EQ(alice.find_message("bob", id)["status"], "queued");
  ASSERT_TRUE(bob.start());

  json received;
  ASSERT_TRUE(
      wait_until([&] { return !(received = bob.find_message("alice", id)).is_null(); }, kDeadline));
  EXPECT_EQ(received["text"], "written before a restart");
  EXPECT_TRUE(wait_until([&] { return alice.find_message("bob", id)["status"] == "delivered"; },
                         kDeadline));
  EXPECT_EQ(bob.messages_json("alice").size(), 1u);
}

// --- 4 ---------------------------------------------------------------------------------------

TEST(Chat, MessageSurvivesKillNineRightAfterSend) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  ASSERT_EQ(bob.stop(), 0);

  auto id = alice.send("bob", "stored before the crash");
  ASSERT_FALSE(id.empty());
  alice.kill();
  ASSERT_TRUE(alice.start());  // over the stale api.json and the dead daemon's lock
  ASSERT_TRUE(bob.start());

  ASSERT_TRUE(wait_until([&] { return alice.find_message("bob", id)["status"] == "delivered"; },
                         kDeadline));
  auto received = bob.messages_json("alice");
  ASSERT_EQ(received.size(), 1u) << received.dump(2);
  EXPECT_EQ(received[0]["id"], id);
  EXPECT_EQ(received[0]["text"], "stored before the crash");
}

// --- 5 ---------------------------------------------------------------------------------------

TEST(Chat, ReadReceiptsAndTypingReachTheEventStream) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);

  Process watch({MESHCHAT_BIN, "--home", alice.home(), "watch", "--json"});
  // Nothing announces that the stream is subscribed. Adding Bob again (an idempotent upsert)
  // publishes a contact event: once one shows up, every later event does too.
  auto invite = bob.invite();
  ASSERT_TRUE(wait_until(
      [&] {
        alice.add_contact(invite);
        return !wait_for_event(
                    watch, [](const json& e) { return e["type"] == "contact"; }, 1s)
                    .is_null();
      },
      kDeadline))
      << "the event stream never started: " << watch.stderr_text();

  auto id = alice.send("bob", "are you there?");
  auto own = wait_for_event(
      watch, [&](const json& e) { return e["type"] == "message" && e["message"]["id"] == id; },
      kDeadline);
  ASSERT_FALSE(own.is_null()) << "no event for our own message";
  EXPECT_EQ(own["message"]["direction"], "out");

  ASSERT_TRUE(wait_until([&] { return !bob.find_message("alice", id).is_null(); }, kDeadline));
  auto read = bob.cli({"read", "alice"});
  ASSERT_EQ(read.status, 0) << read.err;
  auto receipt = wait_for_event(
      watch,
      [&](const json& e) {
        return e["type"] == "receipt" && e["id"] == id && e["status"] == "read";
      },
      kDeadline);
  EXPECT_FALSE(receipt.is_null()) << "no read receipt event";
  EXPECT_EQ(receipt["peer"], bob.peer_id());

  auto api = api::Client::connect(bob.home());
  ASSERT_TRUE(api) << api.error().message();
  auto typing = api->request(verb::post, "/v1/contacts/" + alice.peer_id() + "/typing",
                             json{{"active", true}});
  ASSERT_TRUE(typing) << typing.error().message();
  ASSERT_EQ(typing->status, 200u) << typing->body.dump();
  auto started = wait_for_event(
      watch, [](const json& e) { return e["type"] == "typing" && e["active"] == true; }, kDeadline);
  ASSERT_FALSE(started.is_null()) << "no typing event";
  EXPECT_EQ(started["peer"], bob.peer_id());
  // Never refreshed: the indicator expires on its own after kTypingExpiry (6 s). A disconnect
  // also clears it, so it must not be what happened here.
  bool went_offline = false;
  auto stopped = wait_for_event(
      watch,
      [&](const json& e) {
        if (e["type"] == "presence" && e["status"] == "offline") went_offline = true;
        return e["type"] == "typing" && e["active"] == false;
      },
      20s);
  ASSERT_FALSE(stopped.is_null()) << "typing never stopped";
  EXPECT_FALSE(went_offline) << "the connection dropped: typing was not cleared by expiry";
  EXPECT_EQ(stopped["peer"], bob.peer_id());
  EXPECT_EQ(stopped["conversation"], started["conversation"]);
}

// --- 5b --------------------------------------------------------------------------------------

// The status of `contact` in `observer`'s `contacts --json` ("" if not listed).
std::string listed_presence(ChatDaemon& observer, const std::string& contact) {
  auto listed = observer.cli({"contacts", "--json"});
  auto contacts = json::parse(listed.out, nullptr, false);
  if (listed.status != 0 || !contacts.is_array()) return "";
  for (const auto& entry : contacts) {
    if (entry["peer_id"] == contact) return entry.value("presence", "");
  }
  return "";
}

TEST(Chat, PresenceSetByTheUserReachesContacts) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  ASSERT_TRUE(
      wait_until([&] { return listed_presence(bob, alice.peer_id()) == "online"; }, kDeadline));

  Process watch({MESHCHAT_BIN, "--home", bob.home(), "watch", "--json"});
  auto invite = alice.invite();
  ASSERT_TRUE(wait_until(
      [&] {
        bob.add_contact(invite);
        return !wait_for_event(
                    watch, [](const json& e) { return e["type"] == "contact"; }, 1s)
                    .is_null();
      },
      kDeadline))
      << "the event stream never started: " << watch.stderr_text();
  auto presence_of_alice = [&](const std::string& status) {
    return [&alice, status](const json& e) {
      return e["type"] == "presence" && e["peer"] == alice.peer_id() && e["status"] == status;
    };
  };

  auto shown = alice.cli({"presence"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(shown.out, "online\n");
  auto set = alice.cli({"presence", "away"});
  ASSERT_EQ(set.status, 0) << set.err;
  EXPECT_EQ(set.out, "away\n");
  auto as_json = alice.cli({"presence", "--json"});
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out), (json{{"status", "away"}}));
  EXPECT_FALSE(wait_for_event(watch, presence_of_alice("away"), kDeadline).is_null())
      << "no away event";
  EXPECT_EQ(listed_presence(bob, alice.peer_id()), "away");
  auto table = bob.cli({"contacts"});
  EXPECT_NE(table.out.find(alice.peer_id() + "  away"), std::string::npos) << table.out;

  auto refused = alice.cli({"presence", "busy"});
  EXPECT_NE(refused.status, 0);
  EXPECT_EQ(alice.cli({"presence"}).out, "away\n");

  ASSERT_EQ(alice.cli({"presence", "online"}).status, 0);
  EXPECT_FALSE(wait_for_event(watch, presence_of_alice("online"), kDeadline).is_null())
      << "no online event";
  EXPECT_EQ(listed_presence(bob, alice.peer_id()), "online");

  // Away again, then a graceful stop: Bob sees her go offline; the choice survives the restart
  // and reaches Bob when she reconnects.
  ASSERT_EQ(alice.cli({"presence", "away"}).status, 0);
  ASSERT_FALSE(wait_for_event(watch, presence_of_alice("away"), kDeadline).is_null());
  ASSERT_EQ(alice.stop(), 0);
  EXPECT_FALSE(wait_for_event(watch, presence_of_alice("offline"), kDeadline).is_null())
      << "no offline event";
  EXPECT_EQ(listed_presence(bob, alice.peer_id()), "offline");
  auto stopped = alice.cli({"presence"});
  EXPECT_NE(stopped.status, 0);
  EXPECT_NE(stopped.err.find("daemon is not running"), std::string::npos) << stopped.err;

  ASSERT_TRUE(alice.start());
  EXPECT_EQ(alice.cli({"presence"}).out, "away\n");
  EXPECT_FALSE(wait_for_event(watch, presence_of_alice("away"), kDeadline).is_null())
      << "the restarted daemon did not tell Bob it is away";
  EXPECT_TRUE(
      wait_until([&] { return listed_presence(bob, alice.peer_id()) == "away"; }, kDeadline));
}

// A contact without messages lists as an empty array, through the daemon and without it. (A
// contact stored without any conversation row: tests/unit/node/chat_api_test.cpp.)
TEST(Chat, EmptyConversationIsAnEmptyList) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  for (const auto& name : {bob.peer_id(), std::string("bob")}) {
    auto listed = alice.cli({"messages", name, "--json"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    EXPECT_EQ(json::parse(listed.out), json::array());
  }
  ASSERT_EQ(alice.stop(), 0);
  auto offline = alice.cli({"messages", bob.peer_id(), "--json"});
  ASSERT_EQ(offline.status, 0) << offline.err;
  EXPECT_EQ(json::parse(offline.out), json::array());
}

// --- 6 ---------------------------------------------------------------------------------------

const std::vector<std::string> kDatabaseFiles = {"meshchat.db", "meshchat.db-wal",
                                                 "meshchat.db-shm"};

TEST(Chat, RestoredDatabaseIsRecoveredBySync) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  std::vector<std::string> ids;
  ids.push_back(exchange(alice, bob, "m1 from alice"));
  ids.push_back(exchange(bob, alice, "m2 from bob"));

  ASSERT_EQ(bob.stop(), 0);
  TempDir backup;
  std::set<std::string> backed_up;
  for (const auto& name : kDatabaseFiles) {
    auto source = std::filesystem::path(bob.home()) / name;
    if (!std::filesystem::exists(source)) continue;
    std::filesystem::copy_file(source, std::filesystem::path(backup.path()) / name);
    backed_up.insert(name);
  }
  ASSERT_TRUE(backed_up.contains("meshchat.db"));

  ASSERT_TRUE(bob.start());
  ids.push_back(exchange(alice, bob, "m3 from alice"));
  ids.push_back(exchange(bob, alice, "m4 from bob"));
  ids.push_back(exchange(alice, bob, "m5 from alice"));
  // Nothing left in an outbox: what the restored database lacks can only come back by sync.
  ASSERT_TRUE(wait_until(
      [&] {
        return outgoing_delivered(alice.messages_json("bob")) &&
               outgoing_delivered(bob.messages_json("alice"));
      },
      kDeadline));
  ASSERT_EQ(bob.stop(), 0);

  // Put the old files back; a newer WAL left next to them would be replayed into them.
  for (const auto& name : kDatabaseFiles) {
    auto target = std::filesystem::path(bob.home()) / name;
    std::filesystem::remove(target);
    if (backed_up.contains(name)) {
      std::filesystem::copy_file(std::filesystem::path(backup.path()) / name, target);
    }
  }
  ASSERT_EQ(bob.messages_json("alice").size(), 2u);  // the restore took effect

  ASSERT_TRUE(bob.start());
  // A sync on connect may already run (then the explicit one answers 409); either recovers.
  auto sync = bob.cli({"sync", "alice", "--json"});
  if (sync.status == 0) {
    auto summary = json::parse(sync.out);
    EXPECT_GE(summary["rounds"].get<int>(), 1);
  } else {
    EXPECT_NE(sync.err.find("already running"), std::string::npos) << sync.err;
  }
  json recovered;
  ASSERT_TRUE(
      wait_until([&] { return (recovered = bob.messages_json("alice")).size() >= 5; }, kDeadline))
      << recovered.dump(2);
  EXPECT_EQ(recovered.size(), 5u) << recovered.dump(2);
  EXPECT_EQ(texts_of(recovered),
            (std::vector<std::string>{"m1 from alice", "m2 from bob", "m3 from alice",
                                      "m4 from bob", "m5 from alice"}));
  std::set<std::string> unique_ids;
  for (std::size_t i = 0; i < recovered.size(); ++i) {
    unique_ids.insert(recovered[i]["id"].get<std::string>());
    if (i < ids.size()) {
      EXPECT_EQ(recovered[i]["id"], ids[i]);
    }
  }
  EXPECT_EQ(unique_ids.size(), 5u);
  // Bob's own m4 came back from Alice: it is his, outgoing, and she had it.
  EXPECT_EQ(recovered[3]["direction"], "out");
  EXPECT_EQ(recovered[3]["author"], bob.peer_id());
  EXPECT_NE(recovered[3]["status"], "queued");
  EXPECT_EQ(recovered[2]["direction"], "in");
  EXPECT_EQ(alice.messages_json("bob").size(), 5u);
}

// --- 7 ---------------------------------------------------------------------------------------

TEST(Chat, EditsAndDeletionsConverge) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  auto kept = exchange(alice, bob, "first draft");
  auto doomed = exchange(alice, bob, "regrettable");

  auto edit = alice.cli({"edit", kept, "second draft"});
  ASSERT_EQ(edit.status, 0) << edit.err;
  EXPECT_TRUE(wait_until([&] { return bob.find_message("alice", kept)["text"] == "second draft"; },
                         kDeadline));
  auto edited = bob.find_message("alice", kept);
  EXPECT_EQ(edited["edited"], true);
  EXPECT_EQ(edited["deleted"], false);
  EXPECT_EQ(alice.find_message("bob", kept)["text"], "second draft");
  EXPECT_EQ(alice.find_message("bob", kept)["edited"], true);

  auto erase = alice.cli({"delete", doomed});
  ASSERT_EQ(erase.status, 0) << erase.err;
  EXPECT_TRUE(
      wait_until([&] { return bob.find_message("alice", doomed)["deleted"] == true; }, kDeadline));
  EXPECT_NE(bob.find_message("alice", doomed)["text"], "regrettable");
  EXPECT_EQ(alice.find_message("bob", doomed)["deleted"], true);

  // Bob is away while Alice edits again: the edit waits in her outbox.
  ASSERT_EQ(bob.stop(), 0);
  edit = alice.cli({"edit", kept, "final text"});
  ASSERT_EQ(edit.status, 0) << edit.err;
  EXPECT_EQ(bob.find_message("alice", kept)["text"], "second draft");
  ASSERT_TRUE(bob.start());
  EXPECT_TRUE(wait_until([&] { return bob.find_message("alice", kept)["text"] == "final text"; },
                         kDeadline));
  EXPECT_EQ(bob.find_message("alice", kept)["edited"], true);
  // Edits and deletions are not messages of their own in the timeline.
  EXPECT_EQ(bob.messages_json("alice").size(), 2u);
  EXPECT_EQ(alice.messages_json("bob").size(), 2u);
}

// --- 8 ---------------------------------------------------------------------------------------

TEST(Chat, ThousandMessagesQueuedWhileOffline) {
  constexpr int kCount = 1000;
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);
  ASSERT_EQ(bob.stop(), 0);

  auto api = api::Client::connect(alice.home());
  ASSERT_TRUE(api) << api.error().message();
  auto target = "/v1/contacts/" + bob.peer_id() + "/messages";
  std::set<std::string> expected;
  for (int i = 0; i < kCount; ++i) {
    auto text = "bulk " + std::to_string(i);
    auto sent = api->request(verb::post, target, json{{"text", text}});
    ASSERT_TRUE(sent) << i << ": " << sent.error().message();
    ASSERT_EQ(sent->status, 201u) << i << ": " << sent->body.dump();
    expected.insert(text);
  }
  ASSERT_TRUE(bob.start());
  json received;
  ASSERT_TRUE(
      wait_until([&] { return (received = bob.messages_json("alice")).size() >= kCount; }, 60s))
      << "bob has " << received.size();
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kCount));
  std::multiset<std::string> texts;
  std::set<std::string> ids;
  for (const auto& message : received) {
    texts.insert(message["text"].get<std::string>());
    ids.insert(message["id"].get<std::string>());
  }
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()), expected);
  EXPECT_EQ(texts.size(), expected.size());  // no text twice
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
  for (std::size_t i = 1; i < received.size(); ++i) {
    auto key = [](const json& m) {
      return std::make_pair(m["timestamp"].get<std::int64_t>(),
                            m["hlc"]["counter"].get<std::int64_t>());
    };
    ASSERT_LE(key(received[i - 1]), key(received[i])) << "out of order at " << i;
  }
  // Sent in this order by one author: the timeline keeps it.
  EXPECT_EQ(received.front()["text"], "bulk 0");
  EXPECT_EQ(received.back()["text"], "bulk " + std::to_string(kCount - 1));
  json outgoing;
  EXPECT_TRUE(wait_until(
      [&] { return all_have_status(outgoing = alice.messages_json("bob"), "delivered"); }, 60s));
  EXPECT_EQ(outgoing.size(), static_cast<std::size_t>(kCount));
}

// --- 9 ---------------------------------------------------------------------------------------

TEST(Chat, CliErrorsAndOfflineHistory) {
  ChatDaemon alice("alice"), bob("bob");
  ASSERT_TRUE(alice.start());
  ASSERT_TRUE(bob.start());
  befriend(alice, bob);

  struct stat info {};
  ASSERT_EQ(::stat((alice.home() + "/api.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  // The token is required, and only the right one passes.
  json endpoint;
  {
    std::ifstream file(alice.home() + "/api.json");
    endpoint = json::parse(file);
  }
  auto port = endpoint["port"].get<std::uint16_t>();
  auto token = endpoint["token"].get<std::string>();
  auto anonymous = raw_request(port, std::nullopt);
  EXPECT_EQ(anonymous.status, 401u) << anonymous.body;
  auto wrong = raw_request(port, "Bearer " + std::string(token.size(), '0'));
  EXPECT_EQ(wrong.status, 401u) << wrong.body;
  auto right = raw_request(port, "Bearer " + token);
  EXPECT_EQ(right.status, 200u) << right.body;

  auto unknown = alice.cli({"send", "nobody", "hi"});
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.err.find("unknown contact: nobody"), std::string::npos) << unknown.err;

  auto id = exchange(alice, bob, "kept in the history");
  ASSERT_TRUE(wait_until([&] { return alice.find_message("bob", id)["status"] == "delivered"; },
                         kDeadline));
  ASSERT_EQ(alice.stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(alice.home() + "/api.json"));

  auto offline = alice.cli({"send", "bob", "nobody will carry this"});
  EXPECT_NE(offline.status, 0);
  EXPECT_NE(offline.err.find("daemon is not running"), std::string::npos) << offline.err;
  EXPECT_TRUE(offline.out.empty()) << offline.out;

  auto history = alice.messages_json("bob");
  ASSERT_EQ(history.size(), 1u) << history.dump(2);
  EXPECT_EQ(history[0]["id"], id);
  EXPECT_EQ(history[0]["text"], "kept in the history");
  EXPECT_EQ(history[0]["status"], "delivered");
  auto human = alice.cli({"messages", "bob"});
  ASSERT_EQ(human.status, 0) << human.err;
  EXPECT_NE(human.out.find("kept in the history"), std::string::npos) << human.out;

  auto unknown_offline = alice.cli({"messages", "nobody", "--json"});
  EXPECT_NE(unknown_offline.status, 0);
  EXPECT_NE(unknown_offline.err.find("unknown contact: nobody"), std::string::npos)
      << unknown_offline.err;

  auto contacts = alice.cli({"contacts", "--json"});
  ASSERT_EQ(contacts.status, 0) << contacts.err;
  auto listed = json::parse(contacts.out);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["peer_id"], bob.peer_id());

  auto bad_limit = alice.cli({"messages", "bob", "--limit", "0"});
  EXPECT_NE(bad_limit.status, 0);
}

}  // namespace
}  // namespace meshchat::test
