// /meshchat/presence/1.0.0: typing indicators (expiring) and status, rate-limited per peer; the
// local user's presence (online/away, stored) and the offline notice of a graceful stop.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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

// The preferences row holding the local user's presence ("online" or "away").
constexpr std::string_view kPresencePreference = "presence";

}  // namespace

// The offline notices of one graceful stop still being written; the last one wakes the waiter.
struct Messenger::Farewell {
  Farewell(const asio::any_io_executor& executor, std::size_t count)
      : pending(count), done(executor) {}
  std::size_t pending;
  asio::steady_timer done;  // expires at the deadline; cancelled when pending reaches 0
};

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
    } else if (!stopped_) {
      note_presence(peer, std::get<wire::StatusFrame>(*frame).status);
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

asio::awaitable<Result<std::shared_ptr<FrameStream>>> Messenger::presence_stream(
    crypto::PeerId peer) {
  if (auto existing = link(peer).presence) co_return existing;
  auto stream = co_await open_stream(peer, wire::kPresenceProtocol);
  if (!stream) co_return fail(stream.error());
  // Another writer may have opened one meanwhile: keep the first, so frames stay in order.
  auto& current = link(peer);
  if (!current.presence) {
    current.presence =
        std::make_shared<FrameStream>(std::move(*stream), wire::kMaxPresenceFrameBytes);
  }
  co_return current.presence;
}

asio::awaitable<Result<void>> Messenger::set_typing(crypto::PeerId peer, bool active) {
  auto frames = co_await presence_stream(peer);
  if (!frames) co_return fail(frames.error());
  wire::TypingFrame typing{chat::direct_conversation_id(self(), peer), active};
  auto body = wire::encode(wire::PresenceFrame(typing));
  auto written = co_await (*frames)->write(body);
  if (!written) {
    if (link(peer).presence == *frames) link(peer).presence.reset();
    co_return fail(written.error());
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Messenger::load_presence() {
  auto stored_job = store_.run<std::optional<std::string>>(
      [](chat::ChatStore& store) { return store.preference(kPresencePreference); });
  auto stored = co_await std::move(stored_job);
  if (!stored) co_return fail(stored.error());
  if (!*stored) co_return Result<void>{};
  auto status = presence_from_name(**stored);
  if (!status || *status == wire::PresenceStatus::offline) {
    spdlog::debug("ignoring stored presence \"{}\"", **stored);
    co_return Result<void>{};
  }
  presence_ = *status;
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Messenger::set_presence(wire::PresenceStatus status) {
  if (status == wire::PresenceStatus::offline) {
    co_return fail(std::make_error_code(std::errc::invalid_argument));
  }
  std::string value(presence_name(status));
  auto stored_job = store_.run<void>(
      [value](chat::ChatStore& store) { return store.set_preference(kPresencePreference, value); });
  auto stored = co_await std::move(stored_job);
  if (!stored) co_return fail(stored.error());
  if (status == presence_) co_return Result<void>{};
  presence_ = status;
  if (stopped_) co_return Result<void>{};
  for (const auto& peer : connected_known_peers()) spawn(send_status(peer, std::nullopt));
  co_return Result<void>{};
}

wire::PresenceStatus Messenger::presence_of(const crypto::PeerId& peer) const {
  if (!online(peer)) return wire::PresenceStatus::offline;
  auto it = peer_presence_.find(peer);
  return it == peer_presence_.end() ? wire::PresenceStatus::online : it->second;
}

asio::awaitable<void> Messenger::send_status(crypto::PeerId peer,
                                             std::optional<wire::PresenceStatus> status) {
  auto alive = alive_;
  // Only over an open connection: a status is not worth a dial.
  if (!online(peer)) co_return;
  auto frames = co_await presence_stream(peer);
  if (!*alive) co_return;
  if (!frames) {
    spdlog::debug("no presence stream to {}: {}", peer.to_base58(), frames.error().message());
    co_return;
  }
  wire::StatusFrame frame{status.value_or(presence_)};
  auto body = wire::encode(wire::PresenceFrame(frame));
  auto written = co_await (*frames)->write(body);
  if (!*alive) co_return;
  if (!written) {
    spdlog::debug("cannot send presence to {}: {}", peer.to_base58(), written.error().message());
    if (link(peer).presence == *frames) link(peer).presence.reset();
  }
}

asio::awaitable<void> Messenger::send_farewell(crypto::PeerId peer,
                                               std::shared_ptr<Farewell> farewell) {
  co_await send_status(std::move(peer), wire::PresenceStatus::offline);
  if (--farewell->pending == 0) farewell->done.cancel();
}

asio::awaitable<void> Messenger::announce_offline() {
  auto peers = connected_known_peers();
  if (peers.empty()) co_return;
  auto farewell = std::make_shared<Farewell>(host_.executor(), peers.size());
  farewell->done.expires_after(config_.offline_notice_limit);
  for (auto& peer : peers) spawn(send_farewell(std::move(peer), farewell));
  // Senders that already finished cancelled no wait: check before waiting.
  if (farewell->pending == 0) co_return;
  auto [ignored] = co_await farewell->done.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ignored;  // cancelled (all written) or expired (the rest is abandoned): both end the wait
}

std::vector<crypto::PeerId> Messenger::connected_known_peers() const {
  std::vector<crypto::PeerId> peers;
  std::unordered_set<crypto::PeerId> seen;
  for (const auto& connection : host_.connections()) {
    const auto& peer = connection->info().remote_peer;
    if (known_peers_.contains(peer) && seen.insert(peer).second) peers.push_back(peer);
  }
  return peers;
}

void Messenger::note_presence(const crypto::PeerId& peer, wire::PresenceStatus status) {
  if (!online(peer)) status = wire::PresenceStatus::offline;  // a frame that outlived its link
  auto it = peer_presence_.find(peer);
  auto previous = it == peer_presence_.end() ? wire::PresenceStatus::offline : it->second;
  if (online(peer)) {
    peer_presence_[peer] = status;
  } else if (it != peer_presence_.end()) {
    peer_presence_.erase(it);
  }
  if (status == previous) return;
  publish({{"type", "presence"}, {"peer", peer.to_base58()}, {"status", presence_name(status)}});
}

}  // namespace meshchat::node
