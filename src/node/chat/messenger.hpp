// Messenger: the chat protocols running on a node — direct messages with a durable outbox and
// receipts (/meshchat/msg), presence and typing (/meshchat/presence), history sync
// (/meshchat/sync).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "chat/chat_store.hpp"
#include "chat/hlc.hpp"
#include "chat/presence/rate_limiter.hpp"
#include "chat/presence/typing_tracker.hpp"
#include "chat/store_worker.hpp"
#include "chat/wire/msg_frame.hpp"
#include "chat/wire/presence_frame.hpp"
#include "chat/wire/sync_frame.hpp"
#include "p2p/host/host.hpp"

namespace meshchat::node {

class FrameStream;

struct MessengerConfig {
  // Outbox entries written per round, and how many may await acknowledgement at once.
  std::size_t outbox_batch = 512;
  std::size_t outbox_window = 2048;
  // A peer that acknowledges nothing for this long gets its stream reset and the rest retried.
  Duration ack_timeout = std::chrono::seconds(15);
  // Retry backoff: base * 2^attempts, capped, times a random factor in [0.5, 1].
  Duration retry_base = std::chrono::seconds(1);
  Duration retry_max = std::chrono::minutes(5);
  // Presence frames a peer may send: a burst, then a steady rate (typing refreshes every few s).
  double presence_burst = 10;
  double presence_per_second = 5;
  // Sync: the peer with the smaller PeerId starts one when a contact connects.
  bool sync_on_connect = true;
  // A graceful stop waits this long at most for contacts to take our offline status: on a local
  // link it is written in well under a millisecond, and a contact behind a stalled link must not
  // hold the shutdown up (the closing connection tells it as well, only later).
  Duration offline_notice_limit = std::chrono::milliseconds(200);
};

struct SyncSummary {
  std::uint64_t rounds = 0;
  std::uint64_t received = 0;  // envelopes stored (new to us)
  std::uint64_t sent = 0;      // envelopes we sent
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
};

class Messenger final : public p2p::HostObserver {
 public:
  using EventSink = std::function<void(nlohmann::json)>;

  Messenger(p2p::Host& host, chat::StoreWorker& store, EventSink events,
            MessengerConfig config = {});
  ~Messenger() override;
  Messenger(const Messenger&) = delete;
  Messenger& operator=(const Messenger&) = delete;

  // Restores the clock from the store, registers the protocol handlers, loads contact
  // addresses into the peer store, starts the outbox and dials contacts. Fails with
  // operation_canceled, having started nothing, if stop() is called before it finishes.
  p2p::asio::awaitable<Result<void>> start();
  void stop();
  // Tells whether anyone consumes events right now (the API's subscribers): per-message events
  // are not built, and stored messages not read back for them, while nobody does.
  void set_events_wanted(std::function<bool()> wanted) { events_wanted_ = std::move(wanted); }
  // Where a contact may be now when dialing its known addresses failed (the DHT's find peer:
  // any node that knows the contact can answer). Called only after a failed dial, which the
  // outbox's backoff already spaces out.
  using PeerResolver =
      std::function<p2p::asio::awaitable<Result<std::vector<Multiaddr>>>(crypto::PeerId)>;
  void set_peer_resolver(PeerResolver resolver) { resolver_ = std::move(resolver); }

  const crypto::PeerId& self() const { return host_.peer_id(); }
  chat::StoreWorker& store() { return store_; }
  bool online(const crypto::PeerId& peer) const { return host_.connection_to(peer) != nullptr; }
  std::uint64_t now_ms() const;

  // Stored durably (message + outbox row) before returning; delivery follows in the background.
  p2p::asio::awaitable<Result<chat::MessageRecord>> send_text(crypto::PeerId peer,
                                                              std::string text);
  // Edit or delete one of our own messages (last writer wins on every peer).
  p2p::asio::awaitable<Result<chat::MessageRecord>> edit(chat::MessageId target, std::string text);
  p2p::asio::awaitable<Result<chat::MessageRecord>> remove(chat::MessageId target);
  // Marks the conversation read and tells the peer (now if connected, else at the next sync).
  p2p::asio::awaitable<Result<std::size_t>> mark_read(crypto::PeerId peer);
  p2p::asio::awaitable<Result<void>> set_typing(crypto::PeerId peer, bool active);
  // The local user's presence, online or away; stored (preference "presence") so that it
  // survives restarts. Setting it tells every connected contact at once; contacts that connect
  // later hear it when they do. Offline is not a choice (std::errc::invalid_argument): it is
  // what announce_offline() and closed connections say.
  chat::wire::PresenceStatus presence() const { return presence_; }
  p2p::asio::awaitable<Result<void>> set_presence(chat::wire::PresenceStatus status);
  // What a contact last announced (online until it says otherwise); offline when not connected.
  chat::wire::PresenceStatus presence_of(const crypto::PeerId& peer) const;
  // Tells the connected contacts that we go offline, for a graceful stop before the host closes
  // its connections. Best effort: returns once every status is written, or after
  // config.offline_notice_limit, whichever comes first.
  p2p::asio::awaitable<void> announce_offline();
  p2p::asio::awaitable<Result<SyncSummary>> sync_with(crypto::PeerId peer);
  // Stores the contact, teaches the host its addresses and dials it in the background.
  p2p::asio::awaitable<Result<chat::ContactRecord>> add_contact(chat::ContactRecord contact);

  // HostObserver
  void on_peer_connected(const crypto::PeerId& peer) override;
  void on_peer_disconnected(const crypto::PeerId& peer) override;
  void on_peer_identified(const crypto::PeerId& peer) override;
  // A peer found on the local network (mDNS) at `addresses`: a contact (or a peer we share a
  // conversation with) is dialed there unless connected; anyone else is remembered (the last
  // kMaxNearbyPeers), so that adding them as a contact later dials them at once.
  void peer_discovered(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses);
  struct NearbyPeer {
    crypto::PeerId peer;
    std::vector<Multiaddr> addresses;
  };
  // Peers found on the local network lately, most recently heard first.
  std::vector<NearbyPeer> nearby() const;
  // A contact, or a peer we share a conversation with.
  bool knows(const crypto::PeerId& peer) const { return known_peers_.contains(peer); }

  // Stream entry points (the protocol handlers call these).
  p2p::asio::awaitable<void> serve_msg(std::shared_ptr<p2p::Stream> stream);
  p2p::asio::awaitable<void> serve_presence(std::shared_ptr<p2p::Stream> stream);
  p2p::asio::awaitable<void> serve_sync(std::shared_ptr<p2p::Stream> stream);

 private:
  struct PeerLink;
  PeerLink& link(const crypto::PeerId& peer);
  void publish(nlohmann::json event);
  bool events_wanted() const { return events_ && (!events_wanted_ || events_wanted_()); }
  void spawn(p2p::asio::awaitable<void> task);
  // Connects (or reuses the connection) and negotiates `protocol` on a new stream.
  // A connection to `peer`: an open one, a dial of its known addresses, or, when those fail, a
  // dial of the addresses the resolver finds.
  p2p::asio::awaitable<Result<std::shared_ptr<p2p::Connection>>> connect(crypto::PeerId peer);
  p2p::asio::awaitable<Result<std::shared_ptr<p2p::Stream>>> open_stream(crypto::PeerId peer,
                                                                         std::string_view protocol);

  p2p::asio::awaitable<Result<chat::MessageRecord>> send_envelope(chat::Envelope envelope,
                                                                  crypto::PeerId peer);
  // msg
  struct InboundPipeline;
  p2p::asio::awaitable<void> read_msg_frames(std::shared_ptr<FrameStream> frames);
  p2p::asio::awaitable<void> store_and_ack(std::shared_ptr<FrameStream> frames,
                                           std::shared_ptr<InboundPipeline> pipeline,
                                           std::vector<chat::Envelope> envelopes);
  p2p::asio::awaitable<Result<std::vector<chat::MessageId>>> store_incoming(
      const crypto::PeerId& sender, std::vector<chat::Envelope> envelopes);
  p2p::asio::awaitable<void> apply_receipts(const crypto::PeerId& peer,
                                            std::vector<chat::MessageId> ids,
                                            store::ReceiptState state);
  p2p::asio::awaitable<Result<std::shared_ptr<FrameStream>>> msg_stream(const crypto::PeerId& peer);
  p2p::asio::awaitable<void> send_read_receipts(crypto::PeerId peer,
                                                std::vector<chat::MessageId> ids);
  // outbox
  void flush(const crypto::PeerId& peer);
  p2p::asio::awaitable<void> flush_loop(crypto::PeerId peer);
  // The next round of a peer's queue: from the store when it may hold more than memory does,
  // else the messages sent since (PeerLink::ready). Skips what is in flight.
  p2p::asio::awaitable<Result<std::vector<chat::OutboxEntry>>> next_round(
      const crypto::PeerId& peer);
  // Counts a failed attempt for each entry and schedules its retry after the backoff.
  p2p::asio::awaitable<void> retry_later(const std::vector<chat::OutboxEntry>& entries);
  // Moves entries to `until` without counting an attempt (the peer's dial is in backoff).
  p2p::asio::awaitable<void> postpone(const std::vector<chat::OutboxEntry>& entries,
                                      TimePoint until);
  // (id, peer, attempts, next attempt in Unix ms) rows for the store; the peers' queues are
  // read from the store again afterwards.
  using OutboxSchedule =
      std::vector<std::tuple<chat::MessageId, crypto::PeerId, std::int64_t, std::int64_t>>;
  p2p::asio::awaitable<void> write_schedule(OutboxSchedule schedule);
  p2p::asio::awaitable<void> outbox_scheduler();
  Duration backoff(std::int64_t attempts);
  // presence
  void arm_typing_timer();
  p2p::asio::awaitable<Result<void>> load_presence();
  // Our presence stream to `peer`, opened on first use (typing and status share it).
  p2p::asio::awaitable<Result<std::shared_ptr<FrameStream>>> presence_stream(crypto::PeerId peer);
  // Sends `status`, or our presence at the time of writing when nullopt (so that quick changes
  // cannot arrive out of order), to a connected peer. Failures only log: presence is ephemeral.
  p2p::asio::awaitable<void> send_status(crypto::PeerId peer,
                                         std::optional<chat::wire::PresenceStatus> status);
  struct Farewell;
  p2p::asio::awaitable<void> send_farewell(crypto::PeerId peer, std::shared_ptr<Farewell> farewell);
  // Known peers with an open connection, each once.
  std::vector<crypto::PeerId> connected_known_peers() const;
  // Remembers a contact's presence and publishes a change; forgets it once disconnected.
  void note_presence(const crypto::PeerId& peer, chat::wire::PresenceStatus status);
  // sync
  struct SyncCounters;
  p2p::asio::awaitable<Result<SyncSummary>> run_sync_client(crypto::PeerId peer);
  p2p::asio::awaitable<Result<void>> sync_write(std::shared_ptr<FrameStream> frames,
                                                chat::wire::SyncFrame frame,
                                                SyncCounters* counters);
  p2p::asio::awaitable<Result<void>> sync_send_envelopes(std::shared_ptr<FrameStream> frames,
                                                         chat::ConversationId conversation,
                                                         std::vector<chat::MessageId> ids,
                                                         SyncCounters* counters);
  p2p::asio::awaitable<Result<void>> sync_send(std::shared_ptr<FrameStream> frames,
                                               chat::ConversationId conversation,
                                               std::vector<chat::MessageId> want,
                                               std::vector<chat::MessageId> give,
                                               SyncCounters* counters);
  p2p::asio::awaitable<Result<void>> sync_send_all(std::shared_ptr<FrameStream> frames,
                                                   chat::ConversationId conversation,
                                                   std::vector<chat::MessageId> want,
                                                   std::vector<chat::MessageId> give,
                                                   SyncCounters* counters);
  p2p::asio::awaitable<Result<void>> sync_receive(std::shared_ptr<FrameStream> frames,
                                                  crypto::PeerId peer,
                                                  chat::ConversationId conversation,
                                                  std::optional<Bytes> first, bool responder,
                                                  SyncCounters* counters);
  bool is_known_peer(const crypto::PeerId& peer);
  Result<chat::Envelope> accept_envelope(ByteView encoded, const crypto::PeerId& sender, bool live);

  p2p::Host& host_;
  chat::StoreWorker& store_;
  EventSink events_;
  std::function<bool()> events_wanted_;
  PeerResolver resolver_;
  const std::string self_text_;  // our PeerId in base58, for events
  // Peers mDNS found lately, oldest first, at most kMaxNearbyPeers.
  static constexpr std::size_t kMaxNearbyPeers = 256;
  std::deque<std::pair<crypto::PeerId, std::vector<Multiaddr>>> nearby_;
  MessengerConfig config_;
  chat::HybridClock clock_;
  std::unordered_map<crypto::PeerId, std::unique_ptr<PeerLink>> links_;
  // Contacts and conversation peers, cached for the observers' synchronous checks.
  std::unordered_set<crypto::PeerId> known_peers_;
  chat::presence::TypingTracker typing_;
  chat::presence::RateLimiter presence_limiter_;
  std::unique_ptr<p2p::asio::steady_timer> typing_timer_;
  chat::wire::PresenceStatus presence_ = chat::wire::PresenceStatus::online;
  // Connected known peers: online from the connection on, then what they announce.
  std::unordered_map<crypto::PeerId, chat::wire::PresenceStatus> peer_presence_;
  std::unique_ptr<p2p::Signal> outbox_wakeup_;
  bool stopped_ = false;
  // Guards coroutines that outlive a stop(): they check it after every suspension.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meshchat::node
