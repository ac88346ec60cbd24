// /meshchat/msg/1.0.0: envelopes in, delivered receipts out, read receipts both ways.
#include <spdlog/spdlog.h>

#include "chat/conversation.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/json.hpp"
#include "node/chat/messenger.hpp"
#include "node/chat/peer_link.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
namespace wire = chat::wire;

struct Messenger::InboundPipeline {
  explicit InboundPipeline(const asio::any_io_executor& executor) : done(executor) {}
  std::size_t outstanding = 0;
  p2p::Signal done;
};

namespace {

// Frames taken from the buffer in one go and stored in one store job: one transaction and one
// receipt frame for a whole burst of messages.
constexpr std::size_t kMaxFramesPerBatch = 512;
// Bursts of one stream being stored at once; more would only queue in the store.
constexpr std::size_t kMaxBatchesInFlight = 2;

}  // namespace

Result<chat::Envelope> Messenger::accept_envelope(ByteView encoded, const crypto::PeerId& sender,
                                                  bool live) {
  auto envelope = chat::Envelope::decode(encoded);
  if (!envelope) return fail(envelope.error());
  // Live messages come from their author; sync may also return our own messages to us.
  bool author_ok = envelope->author() == sender || (!live && envelope->author() == self());
  if (!author_ok) return fail(chat::StoreError::not_member);
  if (envelope->conversation() != link(sender).conversation) {
    return fail(chat::StoreError::unknown_conversation);
  }
  if (auto observed = clock_.observe(envelope->timestamp(), now_ms()); !observed) {
    return fail(observed.error());
  }
  return envelope;
}

asio::awaitable<void> Messenger::serve_msg(std::shared_ptr<p2p::Stream> stream) {
  auto frames = std::make_shared<FrameStream>(std::move(stream), wire::kMaxMsgFrameBytes);
  co_await read_msg_frames(std::move(frames));
}

asio::awaitable<void> Messenger::read_msg_frames(std::shared_ptr<FrameStream> frames) {
  auto alive = alive_;
  const auto peer = frames->stream().remote_peer();
  auto pipeline = std::make_shared<InboundPipeline>(host_.executor());
  for (;;) {
    auto first = co_await frames->read();
    if (!*alive) co_return;
    if (!first) {
      spdlog::debug("msg stream from {} failed: {}", peer.to_base58(), first.error().message());
      co_return frames->stream().reset();
    }
    if (!*first) {
      // The peer is done sending; its last bursts still get their acks before we close.
      while (pipeline->outstanding > 0) co_await pipeline->done.wait();
      co_return frames->stream().close_write();
    }
    std::vector<Bytes> batch;
    batch.push_back(std::move(**first));
    while (batch.size() < kMaxFramesPerBatch) {
      auto more = frames->read_buffered();
      if (!more || !*more) break;
      batch.push_back(std::move(**more));
    }

    std::vector<chat::Envelope> envelopes;
    std::vector<chat::MessageId> delivered;
    std::vector<chat::MessageId> read;
    for (const auto& body : batch) {
      auto frame = wire::decode_msg_frame(body);
      if (!frame) {
        spdlog::warn("bad msg frame from {}: {}", peer.to_base58(), frame.error().message());
        co_return frames->stream().reset();
      }
      if (auto* carried = std::get_if<wire::EnvelopeFrame>(&*frame)) {
        auto envelope = accept_envelope(carried->envelope, peer, true);
        if (!envelope) {
          // Not acknowledged: a sender whose clock ran ahead retries until ours catches up;
          // forgeries are never stored.
          spdlog::warn("dropped message from {}: {}", peer.to_base58(), envelope.error().message());
          continue;
        }
        envelopes.push_back(std::move(*envelope));
      } else {
        const auto& receipt = std::get<wire::ReceiptFrame>(*frame);
        auto& target = receipt.kind == wire::ReceiptKind::read ? read : delivered;
        target.insert(target.end(), receipt.ids.begin(), receipt.ids.end());
      }
    }
    if (!delivered.empty()) {
      co_await apply_receipts(peer, std::move(delivered), store::ReceiptState::delivered);
    }
    if (!read.empty()) co_await apply_receipts(peer, std::move(read), store::ReceiptState::read);
    if (envelopes.empty()) continue;
    // The next burst is read and verified while this one is stored: the io thread and the store
    // thread work in parallel. Acks may then leave out of order, which receivers accept.
    while (pipeline->outstanding >= kMaxBatchesInFlight) co_await pipeline->done.wait();
    if (!*alive) co_return;
    ++pipeline->outstanding;
    spawn(store_and_ack(frames, pipeline, std::move(envelopes)));
  }
}

asio::awaitable<void> Messenger::store_and_ack(std::shared_ptr<FrameStream> frames,
                                               std::shared_ptr<InboundPipeline> pipeline,
                                               std::vector<chat::Envelope> envelopes) {
  auto alive = alive_;
  const auto peer = frames->stream().remote_peer();
  auto stored = co_await store_incoming(peer, std::move(envelopes));
  --pipeline->outstanding;
  pipeline->done.notify();
  if (!*alive) co_return;
  if (!stored) {
    // Nothing acknowledged: the sender keeps the messages and retries.
    spdlog::error("cannot store messages from {}: {}", peer.to_base58(), stored.error().message());
    co_return frames->stream().reset();
  }
  std::vector<Bytes> acks;
  for (std::size_t at = 0; at < stored->size(); at += wire::kMaxReceiptIds) {
    auto end = std::min(stored->size(), at + wire::kMaxReceiptIds);
    wire::ReceiptFrame ack{
        wire::ReceiptKind::delivered,
        std::vector<chat::MessageId>(stored->begin() + at, stored->begin() + end)};
    acks.push_back(wire::encode(wire::MsgFrame(std::move(ack))));
  }
  if (auto written = co_await frames->write_all(acks); !written) frames->stream().reset();
}

asio::awaitable<Result<std::vector<chat::MessageId>>> Messenger::store_incoming(
    const crypto::PeerId& sender, std::vector<chat::Envelope> envelopes) {
  struct Outcome {
    std::vector<chat::MessageId> stored;        // new or already present: acknowledge
    std::vector<chat::MessageRecord> inserted;  // new: announce
    std::vector<chat::MessageRecord> updated;   // targets of new edits and deletions
  };
  auto now = static_cast<std::int64_t>(now_ms());
  auto from = sender;
  auto batch = std::move(envelopes);
  const bool announce = events_wanted();
  auto outcome_job = store_.run<Outcome>(
      [from, batch = std::move(batch), now, announce](chat::ChatStore& store) -> Result<Outcome> {
        Outcome out;
        for (const auto& envelope : batch) {
          auto inserted = store.insert_incoming(envelope, from, now);
          if (!inserted) {
            spdlog::warn("refused message {} from {}: {}", to_hex(envelope.id()), from.to_base58(),
                         inserted.error().message());
            continue;
          }
          out.stored.push_back(envelope.id());
          if (!*inserted || !announce) continue;
          auto target = envelope.target();
          auto record = store.message(target ? *target : envelope.id());
          if (!record) return fail(record.error());
          if (!*record) continue;  // an edit whose target has not arrived yet
          (target ? out.updated : out.inserted).push_back(std::move(**record));
        }
        return out;
      });
  auto outcome = co_await std::move(outcome_job);
  if (!outcome) co_return fail(outcome.error());
  known_peers_.insert(sender);
  for (const auto& record : outcome->inserted) {
    const auto& author = record.author == self() ? self_text_ : link(sender).text;
    publish({{"type", "message"},
             {"peer", link(sender).text},
             {"message", message_json(record, author)}});
  }
  for (const auto& record : outcome->updated) {
    publish({{"type", "message_updated"},
             {"peer", sender.to_base58()},
             {"message", message_json(record)}});
  }
  co_return std::move(outcome->stored);
}

asio::awaitable<void> Messenger::apply_receipts(const crypto::PeerId& peer,
                                                std::vector<chat::MessageId> ids,
                                                store::ReceiptState state) {
  auto alive = alive_;
  auto now = static_cast<std::int64_t>(now_ms());
  auto from = peer;
  auto from_ids = ids;
  auto acknowledged = std::move(ids);
  auto kind = state;
  auto updates_job = store_.run<std::vector<chat::ReceiptUpdate>>(
      [from, acknowledged = std::move(acknowledged), kind, now](chat::ChatStore& store) {
        return store.apply_receipts(from, acknowledged, kind, now);
      });
  auto updates = co_await std::move(updates_job);
  if (!*alive) co_return;
  // Only now, with the outbox rows gone, may the flush loop read the outbox again; earlier it
  // would send the acknowledged messages a second time.
  if (auto it = links_.find(peer); it != links_.end()) {
    for (const auto& id : from_ids) it->second->in_flight.erase(id);
    ++it->second->acked_count;
    it->second->acked.notify();
  }
  if (!updates) {
    spdlog::error("cannot apply receipts from {}: {}", peer.to_base58(), updates.error().message());
    co_return;
  }
  if (!events_wanted()) co_return;
  for (const auto& update : *updates) {
    publish({{"type", "receipt"},
             {"peer", link(peer).text},
             {"id", to_hex(update.id)},
             {"status", std::string(chat::to_string(update.status))}});
  }
}

asio::awaitable<Result<std::shared_ptr<FrameStream>>> Messenger::msg_stream(
    const crypto::PeerId& peer) {
  auto& state = link(peer);
  if (state.msg) co_return state.msg;
  auto stream = co_await open_stream(peer, wire::kMsgProtocol);
  if (!stream) co_return fail(stream.error());
  auto& current = link(peer);
  if (current.msg) {  // another coroutine opened one meanwhile
    (*stream)->close_write();
    co_return current.msg;
  }
  current.msg = std::make_shared<FrameStream>(std::move(*stream), wire::kMaxMsgFrameBytes);
  // Receipts for what we send come back on the same stream.
  spawn([](Messenger* self, std::shared_ptr<FrameStream> frames,
           crypto::PeerId peer) -> asio::awaitable<void> {
    auto alive = self->alive_;
    co_await self->read_msg_frames(frames);
    if (!*alive) co_return;
    auto& state = self->link(peer);
    if (state.msg == frames) {
      state.msg.reset();
      state.acked.notify();
    }
  }(this, current.msg, peer));
  co_return current.msg;
}

asio::awaitable<void> Messenger::send_read_receipts(crypto::PeerId peer,
                                                    std::vector<chat::MessageId> ids) {
  auto stream = co_await msg_stream(peer);
  if (!stream) co_return;  // the next sync carries them
  std::vector<Bytes> frames;
  for (std::size_t at = 0; at < ids.size(); at += wire::kMaxReceiptIds) {
    auto end = std::min(ids.size(), at + wire::kMaxReceiptIds);
    wire::ReceiptFrame receipt{wire::ReceiptKind::read,
                               std::vector<chat::MessageId>(ids.begin() + at, ids.begin() + end)};
    frames.push_back(wire::encode(wire::MsgFrame(std::move(receipt))));
  }
  if (auto written = co_await (*stream)->write_all(frames); !written) {
    spdlog::debug("read receipts to {} not sent: {}", peer.to_base58(), written.error().message());
  }
}

}  // namespace meshchat::node
