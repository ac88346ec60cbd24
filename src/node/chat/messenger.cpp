#include "node/chat/messenger.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>

#include "api/log_failure.hpp"
#include "chat/conversation.hpp"
#include "chat/wire/presence_frame.hpp"
#include "chat/wire/sync_frame.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/json.hpp"
#include "node/chat/peer_link.hpp"

namespace meshchat::node {

namespace asio = boost::asio;

namespace {

// Adapts one of the Messenger's serve_* members to the host's handler interface.
class ProtocolHandler final : public p2p::StreamHandler {
 public:
  using Serve = asio::awaitable<void> (Messenger::*)(std::shared_ptr<p2p::Stream>);
  ProtocolHandler(Messenger& messenger, Serve serve) : messenger_(messenger), serve_(serve) {}
  asio::awaitable<void> handle(std::shared_ptr<p2p::Stream> stream) override {
    co_await (messenger_.*serve_)(std::move(stream));
  }

 private:
  Messenger& messenger_;
  Serve serve_;
};

}  // namespace

Messenger::Messenger(p2p::Host& host, chat::StoreWorker& store, EventSink events,
                     MessengerConfig config)
    : host_(host),
      store_(store),
      events_(std::move(events)),
      self_text_(host.peer_id().to_base58()),
      config_(config),
      presence_limiter_(config.presence_burst, config.presence_per_second) {}

Messenger::~Messenger() {
  *alive_ = false;
}

std::uint64_t Messenger::now_ms() const {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

Messenger::PeerLink& Messenger::link(const crypto::PeerId& peer) {
  auto& slot = links_[peer];
  if (!slot) {
    slot = std::make_unique<PeerLink>(host_.executor(), chat::direct_conversation_id(self(), peer),
                                      peer.to_base58());
  }
  return *slot;
}

void Messenger::publish(nlohmann::json event) {
  if (events_) events_(std::move(event));
}

void Messenger::spawn(asio::awaitable<void> task) {
  asio::co_spawn(host_.executor(), std::move(task), api::LogFailure{"chat task"});
}

asio::awaitable<Result<void>> Messenger::start() {
  auto last_job =
      store_.run<chat::HlcTimestamp>([](chat::ChatStore& store) { return store.last_timestamp(); });
  auto last = co_await std::move(last_job);
  if (!last) co_return fail(last.error());
  clock_ = chat::HybridClock(*last);
  if (auto loaded = co_await load_presence(); !loaded) co_return loaded;

  auto contacts_job = store_.run<std::vector<chat::ContactRecord>>(
      [](chat::ChatStore& store) { return store.contacts(); });
  auto contacts = co_await std::move(contacts_job);
  if (!contacts) co_return fail(contacts.error());
  auto conversations_job = store_.run<std::vector<chat::ConversationSummary>>(
      [](chat::ChatStore& store) { return store.conversations(); });
  auto conversations = co_await std::move(conversations_job);
  if (!conversations) co_return fail(conversations.error());
  // A stop that came while the store answered wins: nothing may be registered or spawned after it.
  if (stopped_) co_return fail(std::make_error_code(std::errc::operation_canceled));
  for (const auto& conversation : *conversations) known_peers_.insert(conversation.peer);
  for (const auto& contact : *contacts) {
    known_peers_.insert(contact.peer_id);
    host_.peer_store().add_addresses(contact.peer_id, contact.addresses);
  }

  host_.set_handler(std::string(chat::wire::kMsgProtocol),
                    std::make_shared<ProtocolHandler>(*this, &Messenger::serve_msg));
  host_.set_handler(std::string(chat::wire::kPresenceProtocol),
                    std::make_shared<ProtocolHandler>(*this, &Messenger::serve_presence));
  host_.set_handler(std::string(chat::wire::kSyncProtocol),
                    std::make_shared<ProtocolHandler>(*this, &Messenger::serve_sync));
  host_.add_observer(this);
  typing_timer_ = std::make_unique<asio::steady_timer>(host_.executor());
  outbox_wakeup_ = std::make_unique<p2p::Signal>(host_.executor());
  spawn(outbox_scheduler());
  // Contacts learn we are back: a connection brings presence, sync and the outbox flush.
  for (const auto& contact : *contacts) {
    if (!contact.addresses.empty()) flush(contact.peer_id);
  }
  co_return Result<void>{};
}

void Messenger::stop() {
  stopped_ = true;
  if (typing_timer_) typing_timer_->cancel();
  if (outbox_wakeup_) outbox_wakeup_->notify();
}

asio::awaitable<Result<std::shared_ptr<p2p::Connection>>> Messenger::connect(crypto::PeerId peer) {
  auto connection = co_await host_.connect(peer);
  if (connection || !resolver_ || stopped_) co_return connection;
  auto resolving = resolver_(peer);
  auto found = co_await std::move(resolving);
  if (!found || found->empty() || stopped_) {
    spdlog::debug("{} not reachable and not found elsewhere: {}", peer.to_base58(),
                  found ? "no addresses" : found.error().message());
    co_return connection;
  }
  spdlog::info("{} found elsewhere at {} address(es)", peer.to_base58(), found->size());
  host_.peer_store().add_addresses(peer, *found);
  co_return co_await host_.connect(peer);
}

asio::awaitable<Result<std::shared_ptr<p2p::Stream>>> Messenger::open_stream(
    crypto::PeerId peer, std::string_view protocol) {
  auto connection = co_await connect(peer);
  if (!connection) co_return fail(connection.error());
  // Named, not a braced temporary inside co_await (GCC 12 destroys those twice).
  std::vector<std::string> protocols{std::string(protocol)};
  co_return co_await host_.new_stream(*connection, std::move(protocols));
}

bool Messenger::is_known_peer(const crypto::PeerId& peer) {
  return known_peers_.contains(peer);
}

asio::awaitable<Result<chat::MessageRecord>> Messenger::send_envelope(chat::Envelope envelope,
                                                                      crypto::PeerId peer) {
  auto now = static_cast<std::int64_t>(now_ms());
  // Lambdas below capture locals, never this coroutine's parameters (GCC 12 miscompiles that).
  auto recipient = peer;
  auto owned = std::move(envelope);
  chat::OutboxEntry queued{owned.id(), peer, 0, now, owned.encode()};
  auto stored_job =
      store_.run<chat::MessageRecord>([owned = std::move(owned), recipient,
                                       now](chat::ChatStore& store) -> Result<chat::MessageRecord> {
        return store.insert_outgoing(owned, recipient, now);
      });
  auto stored = co_await std::move(stored_job);
  if (!stored) co_return stored;
  known_peers_.insert(peer);
  if (events_wanted()) {
    publish({{"type", "message"},
             {"peer", link(peer).text},
             {"message", message_json(*stored, self_text_)}});
  }
  // The flush loop sends it from memory rather than reading it back from the store.
  if (stored->status == chat::MessageStatus::queued) {
    auto& state = link(peer);
    if (state.ready.size() < kMaxReadyMessages) {
      state.ready.push_back(std::move(queued));
    } else {
      state.store_backlog = true;
    }
  }
  flush(peer);
  co_return stored;
}

asio::awaitable<Result<chat::MessageRecord>> Messenger::send_text(crypto::PeerId peer,
                                                                  std::string text) {
  if (text.size() > chat::kMaxTextBytes) co_return fail(chat::Error::too_large);
  auto conversation = link(peer).conversation;
  auto envelope = chat::Envelope::create(host_.identity(), conversation, clock_.now(now_ms()), {},
                                         chat::ContentType::text, chat::Envelope::text_body(text));
  if (!envelope) co_return fail(envelope.error());
  co_return co_await send_envelope(std::move(*envelope), std::move(peer));
}

namespace {

struct EditTarget {
  crypto::PeerId peer;
  chat::ConversationId conversation{};
};

}  // namespace

asio::awaitable<Result<chat::MessageRecord>> Messenger::edit(chat::MessageId target,
                                                             std::string text) {
  if (text.size() > chat::kMaxTextBytes) co_return fail(chat::Error::too_large);
  auto self_id = self();
  auto edited_id = target;
  auto found_job = store_.run<chat::MessageRecord>(
      [edited_id, self_id](chat::ChatStore& store) -> Result<chat::MessageRecord> {
        auto record = store.message(edited_id);
        if (!record) return fail(record.error());
        if (!*record || (*record)->author != self_id)
          return fail(chat::StoreError::unknown_message);
        return std::move(**record);
      });
  auto found = co_await std::move(found_job);
  if (!found) co_return fail(found.error());
  auto peer_job = store_.run<std::optional<crypto::PeerId>>(
      [conversation = found->conversation](chat::ChatStore& store) {
        return store.conversation_peer(conversation);
      });
  auto peer = co_await std::move(peer_job);
  if (!peer) co_return fail(peer.error());
  if (!*peer) co_return fail(chat::StoreError::unknown_conversation);
  bool deletion = text.empty();
  auto envelope = chat::Envelope::create(
      host_.identity(), found->conversation, clock_.now(now_ms()), {},
      deletion ? chat::ContentType::deletion : chat::ContentType::edit,
      deletion ? chat::Envelope::deletion_body(target) : chat::Envelope::edit_body(target, text));
  if (!envelope) co_return fail(envelope.error());
  auto sent = co_await send_envelope(std::move(*envelope), **peer);
  if (!sent) co_return sent;
  // The caller wants the edited message, not the edit envelope.
  auto updated_job = store_.run<std::optional<chat::MessageRecord>>(
      [edited_id](chat::ChatStore& store) { return store.message(edited_id); });
  auto updated = co_await std::move(updated_job);
  if (!updated) co_return fail(updated.error());
  if (!*updated) co_return fail(chat::StoreError::unknown_message);
  publish({{"type", "message_updated"}, {"message", message_json(**updated)}});
  co_return std::move(**updated);
}

asio::awaitable<Result<chat::MessageRecord>> Messenger::remove(chat::MessageId target) {
  std::string no_text;
  co_return co_await edit(target, std::move(no_text));
}

asio::awaitable<Result<std::size_t>> Messenger::mark_read(crypto::PeerId peer) {
  auto conversation = chat::direct_conversation_id(self(), peer);
  auto now = static_cast<std::int64_t>(now_ms());
  auto read_job = store_.run<std::vector<chat::MessageId>>(
      [conversation, now](chat::ChatStore& store) { return store.mark_read(conversation, now); });
  auto read = co_await std::move(read_job);
  if (!read) co_return fail(read.error());
  auto count = read->size();
  if (!read->empty()) {
    publish({{"type", "read"}, {"peer", peer.to_base58()}, {"count", count}});
    if (online(peer)) spawn(send_read_receipts(peer, std::move(*read)));
  }
  co_return count;
}

asio::awaitable<Result<chat::ContactRecord>> Messenger::add_contact(chat::ContactRecord contact) {
  if (contact.peer_id == self()) co_return fail(chat::StoreError::not_member);
  auto now = static_cast<std::int64_t>(now_ms());
  auto peer = contact.peer_id;
  auto owned = std::move(contact);
  auto stored_job = store_.run<chat::ContactRecord>(
      [owned = std::move(owned), now](chat::ChatStore& store) -> Result<chat::ContactRecord> {
        if (auto added = store.add_contact(owned, now); !added) return fail(added.error());
        if (auto conversation = store.ensure_direct_conversation(owned.peer_id, now);
            !conversation) {
          return fail(conversation.error());
        }
        auto record = store.contact(owned.peer_id);
        if (!record) return fail(record.error());
        if (!*record) return fail(chat::StoreError::unknown_message);
        return std::move(**record);
      });
  auto stored = co_await std::move(stored_job);
  if (!stored) co_return stored;
  known_peers_.insert(peer);
  host_.peer_store().add_addresses(peer, stored->addresses);
  for (const auto& [nearby, addresses] : nearby_) {
    if (nearby == peer) host_.peer_store().add_addresses(peer, addresses);
  }
  publish({{"type", "contact"}, {"contact", contact_json(*stored, online(peer))}});
  if (online(peer)) {
    on_peer_identified(peer);
  } else {
    flush(peer);  // dials it: presence, sync and queued messages follow the connection
  }
  co_return stored;
}

void Messenger::on_peer_connected(const crypto::PeerId& peer) {
  if (auto it = links_.find(peer); it != links_.end()) {
    it->second->dial_failures = 0;
    it->second->next_dial_at = {};
  }
  if (stopped_ || !is_known_peer(peer)) return;
  note_presence(peer, chat::wire::PresenceStatus::online);
}

void Messenger::on_peer_disconnected(const crypto::PeerId& peer) {
  if (auto it = links_.find(peer); it != links_.end()) it->second->drop_streams();
  for (const auto& conversation : typing_.forget(peer)) {
    publish({{"type", "typing"},
             {"peer", peer.to_base58()},
             {"conversation", to_hex(conversation)},
             {"active", false}});
  }
  if (stopped_ || !is_known_peer(peer)) return;
  note_presence(peer, chat::wire::PresenceStatus::offline);
}

void Messenger::peer_discovered(const crypto::PeerId& peer,
                                const std::vector<Multiaddr>& addresses) {
  if (stopped_ || peer == self()) return;
  std::erase_if(nearby_, [&](const auto& entry) { return entry.first == peer; });
  if (nearby_.size() == kMaxNearbyPeers) nearby_.pop_front();
  nearby_.emplace_back(peer, addresses);
  if (!is_known_peer(peer)) return;
  host_.peer_store().add_addresses(peer, addresses);
  if (online(peer)) return;
  // Fresh addresses: whatever the last dials failed on, the next one may work.
  auto& state = link(peer);
  state.next_dial_at = {};
  state.dial_failures = 0;
  flush(peer);  // dials even with nothing queued, then sends what is
}

std::vector<Messenger::NearbyPeer> Messenger::nearby() const {
  std::vector<NearbyPeer> out;
  for (auto it = nearby_.rbegin(); it != nearby_.rend(); ++it) {
    out.push_back({it->first, it->second});
  }
  return out;
}

void Messenger::on_peer_identified(const crypto::PeerId& peer) {
  if (stopped_ || !is_known_peer(peer)) return;
  // Remember where the contact listens, for redials after a restart of either side.
  if (const auto* record = host_.peer_store().find(peer); record && !record->addresses.empty()) {
    auto addresses = record->addresses;
    auto now = static_cast<std::int64_t>(now_ms());
    spawn([](Messenger* self, crypto::PeerId peer, std::vector<Multiaddr> addresses,
             std::int64_t now) -> asio::awaitable<void> {
      auto who = peer;
      auto where = std::move(addresses);
      auto when = now;
      auto recorded_job =
          self->store_.run<void>([who, where = std::move(where), when](chat::ChatStore& store) {
            return store.record_addresses(who, where, when);
          });
      auto recorded = co_await std::move(recorded_job);
      if (!recorded) spdlog::warn("cannot record addresses: {}", recorded.error().message());
    }(this, peer, std::move(addresses), now));
  }
  flush(peer);
  // Online is what the connection itself says; anything else the contact must hear from us.
  if (presence_ != chat::wire::PresenceStatus::online) spawn(send_status(peer, std::nullopt));
  if (config_.sync_on_connect && self().bytes() < peer.bytes()) {
    spawn([](Messenger* self, crypto::PeerId peer) -> asio::awaitable<void> {
      auto synced = co_await self->sync_with(peer);
      if (!synced) {
        spdlog::info("sync with {} failed: {}", peer.to_base58(), synced.error().message());
      }
    }(this, peer));
  }
}

}  // namespace meshchat::node
