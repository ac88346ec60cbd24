// What the Messenger keeps per peer: its open chat streams, the outbox round in flight, and
// whether a flush or a sync is running (so that each runs once at a time per peer).
#pragma once

#include <deque>
#include <map>
#include <memory>

#include "chat/envelope.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/messenger.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::node {

// Messages kept in memory for a peer's next rounds (~1 MiB of envelopes); past that the flush
// loop reads them from the store.
inline constexpr std::size_t kMaxReadyMessages = 4096;

struct Messenger::PeerLink {
  PeerLink(const p2p::asio::any_io_executor& executor, chat::ConversationId direct,
           std::string peer_text)
      : conversation(direct), text(std::move(peer_text)), acked(executor) {}

  // Forgets the streams of a closed connection and wakes a flush waiting for acks.
  void drop_streams() {
    if (msg) msg->stream().reset();
    msg.reset();
    presence.reset();
    acked.notify();
  }

  // Computed once: every message in or out needs them (a SHA-256 and a base58 encoding).
  const chat::ConversationId conversation;            // our direct conversation with the peer
  const std::string text;                             // the PeerId in base58, for events
  std::shared_ptr<FrameStream> msg;                   // ours, for envelopes and read receipts
  std::shared_ptr<FrameStream> presence;              // ours, for typing
  std::map<chat::MessageId, std::int64_t> in_flight;  // written, not acknowledged: attempts
  // Messages stored since the outbox was last read from the store, in the order they were
  // sent: the flush loop takes them from here instead of reading them back.
  std::deque<chat::OutboxEntry> ready;
  // The store may hold queued messages that are neither in flight nor in `ready` (at start,
  // after a retry was scheduled, or when `ready` overflowed): the next round reads the store.
  bool store_backlog = true;
  std::uint64_t acked_count = 0;   // acknowledgements applied so far
  p2p::Signal acked;               // an ack arrived or the stream went away
  TimePoint next_dial_at{};        // an unreachable peer is not dialed again before this
  std::int64_t dial_failures = 0;  // consecutive failed dials, for their backoff
  bool flushing = false;
  bool flush_again = false;
  bool syncing = false;
};

}  // namespace meshchat::node
