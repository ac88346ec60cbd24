// The chat routes of the local API over a started Messenger, through the Router (no sockets):
// presence get/set with its validation and persistence, the presence field of contacts, and the
// history of a contact nobody has written to yet.
#include "node/chat_api.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "../store/temp_dir.hpp"
#include "crypto/safety_number.hpp"
#include "node/node.hpp"

namespace meshchat::node {
namespace {

namespace asio = boost::asio;
using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

struct Exchange {
  verb method;
  std::string path;
  json body;
};

struct Answer {
  unsigned status = 0;
  json body;
};

api::Request make_request(const Exchange& exchange) {
  api::Request request;
  request.method = exchange.method;
  request.path = exchange.path;
  request.body = exchange.body;
  return request;
}

// One daemon's chat side without its transport: a Node that listens nowhere, its store and
// Messenger, and the routes. Each run() starts a Messenger over the same store, sends the
// requests in order and stops it, as a daemon restart would.
class ChatApiTest : public ::testing::Test {
 protected:
  ChatApiTest()
      : key_(crypto::PrivateKey::generate_ed25519()),
        store_(*chat::StoreWorker::start(home_.file("meshchat.db"),
                                         crypto::PeerId::from_public_key(key_.public_key()))) {}

  std::vector<Answer> run(std::vector<Exchange> exchanges) {
    asio::io_context io(1);
    Node node(io.get_executor(), key_);
    Messenger messenger(node.host(), *store_, nullptr);
    ApiContext context{node.host(), messenger, "me", 0, Clock::now(), "token"};
    api::Router router;
    register_chat_routes(router, context);
    std::vector<Answer> answers;
    bool finished = false;
    asio::co_spawn(io, serve(&messenger, &router, std::move(exchanges), &answers),
                   [&](std::exception_ptr failure) {
                     finished = failure == nullptr;
                     messenger.stop();
                     node.stop();
                   });
    io.run_for(30s);
    EXPECT_TRUE(finished);
    return answers;
  }

  static asio::awaitable<void> serve(Messenger* messenger, api::Router* router,
                                     std::vector<Exchange> exchanges,
                                     std::vector<Answer>* answers) {
    auto started = co_await messenger->start();
    if (!started) throw std::runtime_error("start: " + started.error().message());
    for (const auto& exchange : exchanges) {
      auto response = co_await router->dispatch(make_request(exchange));
      answers->push_back({response.status, response.body});
    }
  }

  // A contact stored without the conversation that adding one through the API creates.
  crypto::PeerId add_bare_contact(const std::string& name,
                                  std::optional<crypto::PeerId> given = std::nullopt) {
    auto peer =
        given
            ? *given
            : crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
    asio::io_context io(1);
    std::optional<Result<void>> added;
    asio::co_spawn(
        io,
        [](chat::StoreWorker* store, chat::ContactRecord contact) -> asio::awaitable<Result<void>> {
          auto owned = std::move(contact);  // lambdas must not capture a coroutine's parameters
          auto job = store->run<void>(
              [owned](chat::ChatStore& s) { return s.add_contact(owned, 1'700'000'000'000); });
          co_return co_await std::move(job);
        }(store_.get(), chat::ContactRecord{peer, name, std::nullopt, 0, {}}),
        [&](std::exception_ptr, Result<void> result) { added = result; });
    io.run_for(10s);
    EXPECT_TRUE(added && *added);
    return peer;
  }

  store::testing::TempDir home_;
  crypto::PrivateKey key_;
  std::unique_ptr<chat::StoreWorker> store_;
};

TEST_F(ChatApiTest, PresenceDefaultsToOnlineAndAwayIsKeptAcrossRestarts) {
  auto answers = run({{verb::get, "/v1/presence", nullptr},
                      {verb::put, "/v1/presence", {{"status", "away"}}},
                      {verb::get, "/v1/presence", nullptr}});
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].status, 200u);
  EXPECT_EQ(answers[0].body, (json{{"status", "online"}}));
  EXPECT_EQ(answers[1].status, 200u);
  EXPECT_EQ(answers[1].body, (json{{"status", "away"}}));
  EXPECT_EQ(answers[2].body, (json{{"status", "away"}}));

  answers = run(
      {{verb::get, "/v1/presence", nullptr}, {verb::put, "/v1/presence", {{"status", "online"}}}});
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].body, (json{{"status", "away"}}));
  EXPECT_EQ(answers[1].body, (json{{"status", "online"}}));
  answers = run({{verb::get, "/v1/presence", nullptr}});
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].body, (json{{"status", "online"}}));
}

TEST_F(ChatApiTest, PresenceRejectsAnythingButOnlineOrAway) {
  std::vector<json> bodies = {
      {{"status", "offline"}},
      {{"status", "busy"}},
      {{"status", "Away"}},
      {{"status", ""}},
      {{"status", 2}},
      {{"status", nullptr}},
      json::object(),
      {{"active", true}},
      {{"status", "away"}, {"extra", 1}},
      nullptr,
  };
  std::vector<Exchange> exchanges;
  for (const auto& body : bodies) exchanges.push_back({verb::put, "/v1/presence", body});
  exchanges.push_back({verb::get, "/v1/presence", nullptr});
  auto answers = run(exchanges);
  ASSERT_EQ(answers.size(), bodies.size() + 1);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(answers[i].status, 400u) << bodies[i].dump();
    EXPECT_TRUE(answers[i].body.contains("error")) << bodies[i].dump();
  }
  EXPECT_EQ(answers[0].body["error"], "status must be \"online\" or \"away\"");
  // Nothing refused changed it.
  EXPECT_EQ(answers.back().body, (json{{"status", "online"}}));
}

TEST_F(ChatApiTest, ContactsCarryPresence) {
  auto peer = add_bare_contact("carol");
  auto answers = run({{verb::get, "/v1/contacts", nullptr}});
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].body.size(), 1u);
  EXPECT_EQ(answers[0].body[0]["peer_id"], peer.to_base58());
  EXPECT_EQ(answers[0].body[0]["online"], false);
  EXPECT_EQ(answers[0].body[0]["presence"], "offline");
}

TEST_F(ChatApiTest, ContactWithoutConversationHasEmptyHistory) {
  auto peer = add_bare_contact("carol");
  auto stranger =
      crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
  auto answers = run({{verb::get, "/v1/contacts/" + peer.to_base58() + "/messages", nullptr},
                      {verb::get, "/v1/contacts/carol/messages", nullptr},
                      {verb::get, "/v1/contacts/" + stranger.to_base58() + "/messages", nullptr},
                      {verb::get, "/v1/contacts/nobody/messages", nullptr}});
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0].status, 200u) << answers[0].body.dump();
  EXPECT_EQ(answers[0].body, json::array());
  EXPECT_EQ(answers[1].status, 200u) << answers[1].body.dump();
  EXPECT_EQ(answers[1].body, json::array());
  // Unknown peers stay unknown.
  EXPECT_EQ(answers[2].status, 404u);
  EXPECT_EQ(answers[2].body["error"], "unknown contact: " + stranger.to_base58());
  EXPECT_EQ(answers[3].status, 404u);
  EXPECT_EQ(answers[3].body["error"], "unknown contact: nobody");
}

TEST_F(ChatApiTest, ContactFromAPeerIdAloneAndNobodyNearbyYet) {
  auto peer = crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
  auto answers =
      run({{verb::get, "/v1/nearby", nullptr},
           {verb::post, "/v1/contacts", {{"peer_id", peer.to_base58()}, {"name", "dan"}}},
           {verb::post, "/v1/contacts", {{"peer_id", "12D3KooWnotapeer"}}},
           {verb::post,
            "/v1/contacts",
            {{"peer_id", peer.to_base58()}, {"address", "/ip4/10.0.0.1/tcp/1"}}},
           {verb::post, "/v1/contacts", json::object()},
           {verb::get, "/v1/contacts", nullptr}});
  ASSERT_EQ(answers.size(), 6u);
  EXPECT_EQ(answers[0].status, 200u);
  EXPECT_EQ(answers[0].body, json::array());
  EXPECT_EQ(answers[1].status, 201u) << answers[1].body.dump();
  EXPECT_EQ(answers[1].body["peer_id"], peer.to_base58());
  EXPECT_EQ(answers[1].body["addresses"], json::array());
  EXPECT_EQ(answers[2].status, 400u);
  EXPECT_NE(answers[2].body["error"].get<std::string>().find("bad peer id"), std::string::npos);
  EXPECT_EQ(answers[3].status, 400u);
  EXPECT_EQ(answers[3].body["error"], "give one of \"invite\", \"address\" or \"peer_id\"");
  EXPECT_EQ(answers[4].status, 400u);
  ASSERT_EQ(answers[5].body.size(), 1u);
  EXPECT_EQ(answers[5].body[0]["nickname"], "dan");
}

TEST_F(ChatApiTest, SafetyNumberVerifiesAContactOnlyWithTheRightDigits) {
  auto bob_key = crypto::PrivateKey::generate_ed25519();
  add_bare_contact("bob", crypto::PeerId::from_public_key(bob_key.public_key()));
  auto expected = crypto::safety_number(key_.public_key(), bob_key.public_key());
  auto wrong = expected;
  wrong[7] = wrong[7] == '1' ? '2' : '1';
  auto stranger =
      crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
  const std::string bob = "/v1/contacts/bob";
  auto answers = run(
      {{verb::get, bob + "/safety-number", nullptr},
       {verb::post, bob + "/verify", {{"safety_number", wrong}}},
       {verb::post, bob + "/verify", {{"safety_number", "12345"}}},
       {verb::post, bob + "/verify", {{"number", expected}}},
       {verb::post, bob + "/verify", {{"safety_number", crypto::format_safety_number(expected)}}},
       {verb::get, "/v1/contacts", nullptr},
       {verb::delete_, bob + "/verify", nullptr},
       {verb::get, "/v1/contacts/" + stranger.to_base58() + "/safety-number", nullptr}});
  ASSERT_EQ(answers.size(), 8u);
  EXPECT_EQ(answers[0].status, 200u);
  EXPECT_EQ(answers[0].body["safety_number"], expected);
  EXPECT_EQ(answers[0].body["verified"], false);
  EXPECT_EQ(answers[1].status, 409u) << answers[1].body.dump();  // one digit off
  EXPECT_EQ(answers[2].status, 400u);                            // not 60 digits
  EXPECT_EQ(answers[3].status, 400u);                            // unknown field
  EXPECT_EQ(answers[4].status, 200u) << answers[4].body.dump();  // spaces and newlines are fine
  EXPECT_EQ(answers[4].body["verified"], true);
  EXPECT_EQ(answers[5].body[0]["verified"], true);
  EXPECT_EQ(answers[6].status, 200u);
  EXPECT_EQ(answers[6].body["verified"], false);
  EXPECT_EQ(answers[7].status, 404u);
}

}  // namespace
}  // namespace meshchat::node
