// A Messenger stopped while start() still waits for the store (a SIGTERM right after the daemon
// printed its address): start() fails with operation_canceled and leaves the host untouched.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "../store/temp_dir.hpp"
#include "chat/wire/msg_frame.hpp"
#include "node/chat/messenger.hpp"
#include "node/node.hpp"

namespace meshchat::node {
namespace {

namespace asio = boost::asio;

bool serves(const p2p::Host& host, std::string_view protocol) {
  auto protocols = host.protocols();
  return std::find(protocols.begin(), protocols.end(), protocol) != protocols.end();
}

// One node with its store and a Messenger that is not started yet.
struct MessengerLifecycle : ::testing::Test {
  store::testing::TempDir home;
  asio::io_context io;
  crypto::PrivateKey key = crypto::PrivateKey::generate_ed25519();
  std::unique_ptr<chat::StoreWorker> store = *chat::StoreWorker::start(
      home.file("chat.db"), crypto::PeerId::from_public_key(key.public_key()));
  Node node{io.get_executor(), key};
  Messenger messenger{node.host(), *store, [](nlohmann::json) {}};
};

TEST_F(MessengerLifecycle, StopDuringStartCancelsItAndRegistersNothing) {
  std::optional<Result<void>> started;
  asio::co_spawn(io, messenger.start(), [&](std::exception_ptr failure, Result<void> result) {
    if (failure) std::rethrow_exception(failure);
    started = std::move(result);
  });
  // Queued behind start()'s first step, which suspends on a store job: this runs before the
  // store's answer comes back.
  asio::post(io, [&] { messenger.stop(); });
  io.run_for(std::chrono::seconds(20));

  ASSERT_TRUE(started.has_value()) << "start() never finished";
  ASSERT_FALSE(*started);
  EXPECT_EQ(started->error(), std::make_error_code(std::errc::operation_canceled));
  EXPECT_FALSE(serves(node.host(), chat::wire::kMsgProtocol));
}

TEST_F(MessengerLifecycle, StartWithoutStopServesTheChatProtocols) {
  std::optional<Result<void>> started;
  asio::co_spawn(io, messenger.start(), [&](std::exception_ptr failure, Result<void> result) {
    if (failure) std::rethrow_exception(failure);
    started = std::move(result);
    messenger.stop();
  });
  io.run_for(std::chrono::seconds(20));

  ASSERT_TRUE(started.has_value()) << "start() never finished";
  EXPECT_TRUE(*started) << started->error().message();
  EXPECT_TRUE(serves(node.host(), chat::wire::kMsgProtocol));
}

}  // namespace
}  // namespace meshchat::node
