// A hostile peer on a real /meshchat/msg/1.0.0 stream to a running Messenger: a forged author, a
// foreign conversation, a malformed frame and an oversized length prefix are never acknowledged
// nor stored, while a valid message from the same peer is.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "../store/temp_dir.hpp"
#include "chat/conversation.hpp"
#include "chat/wire/msg_frame.hpp"
#include "core/varint.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/messenger.hpp"
#include "node/node.hpp"

namespace meshchat::node {
namespace {

namespace asio = boost::asio;
namespace wire = chat::wire;
using namespace std::chrono_literals;

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Bytes envelope_frame(const chat::Envelope& envelope) {
  return wire::encode(wire::MsgFrame(wire::EnvelopeFrame{envelope.encode()}));
}

struct Outcome {
  bool finished = false;
  std::vector<chat::MessageId> acked;
  bool reset_after_garbage = false;
  bool reset_after_oversize = false;
  std::optional<chat::MessageRecord> forged;
  std::optional<chat::MessageRecord> foreign;
  std::optional<chat::MessageRecord> valid;
};

asio::awaitable<void> attack(p2p::Host* mallory, Multiaddr bob, Messenger* messenger,
                             chat::StoreWorker* store, const crypto::PrivateKey* alice_key,
                             const crypto::PrivateKey* mallory_key, Outcome* out) {
  auto bob_peer = *crypto::PeerId::from_bytes(*bob.peer_id_multihash());
  auto alice = crypto::PeerId::from_public_key(alice_key->public_key());
  auto me = mallory->peer_id();
  auto text = chat::Envelope::text_body("hello");
  // Alice's genuine message to Bob, replayed by Mallory: the author is not the sender.
  auto forged = *chat::Envelope::create(*alice_key, chat::direct_conversation_id(alice, bob_peer),
                                        {wall_ms(), 0}, {}, chat::ContentType::text, text);
  // Mallory's own message, but in Alice and Bob's conversation.
  auto foreign =
      *chat::Envelope::create(*mallory_key, chat::direct_conversation_id(alice, bob_peer),
                              {wall_ms(), 1}, {}, chat::ContentType::text, text);
  auto valid = *chat::Envelope::create(*mallory_key, chat::direct_conversation_id(me, bob_peer),
                                       {wall_ms(), 2}, {}, chat::ContentType::text, text);

  auto connection = co_await mallory->connect(bob);
  if (!connection) co_return;
  std::vector<std::string> protocols{std::string(wire::kMsgProtocol)};
  auto stream = co_await mallory->new_stream(*connection, std::move(protocols));
  if (!stream) co_return;
  auto frames = std::make_shared<FrameStream>(*stream, wire::kMaxMsgFrameBytes);
  std::vector<Bytes> burst{envelope_frame(forged), envelope_frame(foreign), envelope_frame(valid)};
  if (!co_await frames->write_all(burst)) co_return;
  auto ack_read = frames->read();
  auto ack = co_await p2p::with_timeout(std::move(ack_read), std::chrono::seconds(10));
  if (ack && *ack) {
    auto frame = wire::decode_msg_frame(**ack);
    if (frame && std::holds_alternative<wire::ReceiptFrame>(*frame)) {
      out->acked = std::get<wire::ReceiptFrame>(*frame).ids;
    }
  }

  // Not a MsgFrame at all: the stream is reset.
  Bytes garbage{0x0A, 0xFF, 0xFF};
  if (co_await frames->write(garbage)) {
    auto after_read = frames->read();
    auto after = co_await p2p::with_timeout(std::move(after_read), std::chrono::seconds(10));
    out->reset_after_garbage = !after;
  }

  // A length prefix far above the frame limit: refused before any body arrives.
  std::vector<std::string> again{std::string(wire::kMsgProtocol)};
  auto second = co_await mallory->new_stream(*connection, std::move(again));
  if (second) {
    Bytes prefix = varint::encode(std::uint64_t{64} << 20);
    if (co_await (*second)->write(prefix)) {
      FrameStream oversized(*second, wire::kMaxMsgFrameBytes);
      auto refused_read = oversized.read();
      auto refused = co_await p2p::with_timeout(std::move(refused_read), std::chrono::seconds(10));
      out->reset_after_oversize = !refused;
    }
  }

  auto lookup = [](chat::MessageId id) {
    return [id](chat::ChatStore& s) { return s.message(id); };
  };
  auto forged_job = store->run<std::optional<chat::MessageRecord>>(lookup(forged.id()));
  out->forged = *co_await std::move(forged_job);
  auto foreign_job = store->run<std::optional<chat::MessageRecord>>(lookup(foreign.id()));
  out->foreign = *co_await std::move(foreign_job);
  auto valid_job = store->run<std::optional<chat::MessageRecord>>(lookup(valid.id()));
  out->valid = *co_await std::move(valid_job);
  out->finished = true;
  (void)messenger;
}

asio::awaitable<void> run_scenario(Node* bob, Messenger* messenger, p2p::Host* mallory,
                                   chat::StoreWorker* store, const crypto::PrivateKey* alice_key,
                                   const crypto::PrivateKey* mallory_key, Outcome* out) {
  if (!co_await messenger->start()) co_return;
  auto address =
      bob->host().listen_addresses().at(0).encapsulate(*Multiaddr::p2p(bob->peer_id().bytes()));
  co_await attack(mallory, address, messenger, store, alice_key, mallory_key, out);
  messenger->stop();
  bob->stop();
  mallory->close();
}

TEST(MessengerHostile, ForgedForeignMalformedAndOversizedInputIsRefused) {
  store::testing::TempDir home;
  auto bob_key = crypto::PrivateKey::generate_ed25519();
  auto alice_key = crypto::PrivateKey::generate_ed25519();
  auto mallory_key = crypto::PrivateKey::generate_ed25519();
  asio::io_context io(1);
  auto store = chat::StoreWorker::start(home.file("meshchat.db"),
                                        crypto::PeerId::from_public_key(bob_key.public_key()));
  ASSERT_TRUE(store);
  Node bob(io.get_executor(), bob_key);
  ASSERT_TRUE(bob.start({*Multiaddr::parse("/ip4/127.0.0.1/tcp/0")}));
  Messenger messenger(bob.host(), **store, nullptr);
  Node mallory(io.get_executor(), mallory_key);

  Outcome outcome;
  asio::co_spawn(io,
                 run_scenario(&bob, &messenger, &mallory.host(), store->get(), &alice_key,
                              &mallory_key, &outcome),
                 [&](std::exception_ptr) { io.stop(); });
  io.run_for(60s);

  ASSERT_TRUE(outcome.finished);
  auto valid_id = outcome.valid ? outcome.valid->id : chat::MessageId{};
  EXPECT_EQ(outcome.acked, std::vector<chat::MessageId>{valid_id});
  EXPECT_TRUE(outcome.valid.has_value());
  EXPECT_FALSE(outcome.forged.has_value());
  EXPECT_FALSE(outcome.foreign.has_value());
  EXPECT_TRUE(outcome.reset_after_garbage);
  EXPECT_TRUE(outcome.reset_after_oversize);
}

}  // namespace
}  // namespace meshchat::node
