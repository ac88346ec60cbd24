// /meshchat/presence/1.0.0: typing indicators (expiring) and status, rate-limited per peer.
#include <spdlog/spdlog.h>

#include "chat/conversation.hpp"
#include "chat/wire/presence_frame.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/json.hpp"
#include "node/chat/messenger.hpp"
#include "node/chat/peer_link.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
namespace wire = chat::wire;

namespace {

const char* status_name(wire::PresenceStatus status) {
  switch (status) {
    case wire::PresenceStatus::online:
      return "online";
    case wire::PresenceStatus::away:
      return "away";
    case wire::PresenceStatus::offline:
      return "offline";
  }
  return "unknown";
}

}  // namespace

asio::awaitable<void> Messenger::serve_presence(std::shared_ptr<p2p::Stream> stream) {
  auto alive = alive_;
  FrameStream frames(std::move(stream), wire::kMaxPresenceFrameBytes);
  const auto peer = frames.stream().remote_peer();
  const auto conversation = chat::direct_conversation_id(self(), peer);
  bool warned = false;
  for (;;) {
    auto body = co_await frames.read();
    if (!*alive) co_return;
    if (!body) co_return frames.stream().reset();
    if (!*body) co_return frames.stream().close_write();
    auto frame = wire::decode_presence_frame(**body);
    if (!frame) {
      spdlog::warn("bad presence frame from {}: {}", peer.to_base58(), frame.error().message());
      co_return frames.stream().reset();
    }
    if (!presence_limiter_.allow(peer, Clock::now())) {
      if (!warned) spdlog::warn("{} sends presence too fast; dropping", peer.to_base58());
      warned = true;
      continue;
    }
    if (!is_known_peer(peer)) continue;  // strangers' typing is nobody's business
    if (auto* typing = std::get_if<wire::TypingFrame>(&*frame)) {
      if (typing->conversation != conversation) continue;
      if (typing_.update(peer, conversation, typing->active, Clock::now())) {
        publish({{"type", "typing"},
                 {"peer", peer.to_base58()},
                 {"conversation", to_hex(conversation)},
                 {"active", typing->active}});
      }
      arm_typing_timer();
    } else {
      const auto& status = std::get<wire::StatusFrame>(*frame);
      publish({{"type", "presence"},
               {"peer", peer.to_base58()},
               {"status", status_name(status.status)}});
    }
  }
}

void Messenger::arm_typing_timer() {
  auto next = typing_.next_expiry();
  if (!next || !typing_timer_) return;
  typing_timer_->expires_at(*next);
  typing_timer_->async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    for (const auto& [peer, conversation] : typing_.expire(Clock::now())) {
      publish({{"type", "typing"},
               {"peer", peer.to_base58()},
               {"conversation", to_hex(conversation)},
               {"active", false}});
    }
    arm_typing_timer();
  });
}

asio::awaitable<Result<void>> Messenger::set_typing(crypto::PeerId peer, bool active) {
  auto& state = link(peer);
  if (!state.presence) {
    auto stream = co_await open_stream(peer, wire::kPresenceProtocol);
    if (!stream) co_return fail(stream.error());
    auto& current = link(peer);
    if (!current.presence) {
      current.presence =
          std::make_shared<FrameStream>(std::move(*stream), wire::kMaxPresenceFrameBytes);
    }
  }
  auto frames = link(peer).presence;
  wire::TypingFrame typing{chat::direct_conversation_id(self(), peer), active};
  auto body = wire::encode(wire::PresenceFrame(typing));
  auto written = co_await frames->write(body);
  if (!written) {
    if (link(peer).presence == frames) link(peer).presence.reset();
    co_return fail(written.error());
  }
  co_return Result<void>{};
}

}  // namespace meshchat::node
