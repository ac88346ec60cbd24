// /meshchat/sync/1.0.0: Negentropy reconciliation of a direct conversation, then the transfer
// of only the missing envelopes (verified like live ones) and a merge of receipt states.
#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "chat/conversation.hpp"
#include "chat/sync/negentropy.hpp"
#include "chat/wire/sync_frame.hpp"
#include "node/chat/frame_stream.hpp"
#include "node/chat/json.hpp"
#include "node/chat/messenger.hpp"
#include "node/chat/peer_link.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
namespace wire = chat::wire;

namespace {

// Each Negentropy message fills at most one sync frame: fewer rounds than small frames for large
// differences (docs/benchmarks.md), and always within the peer's frame limit.
constexpr std::size_t kNegentropyFrameLimit = wire::kMaxNegentropyMessageBytes;
// A reconciliation that needs more rounds than this is hostile or broken (a million records
// take three or four).
constexpr std::uint64_t kMaxRounds = 64;
// Envelopes loaded from the store per job while sending.
constexpr std::size_t kLoadChunk = 1024;
constexpr auto kSyncTimeout = std::chrono::minutes(5);

wire::ReceiptKind to_wire(store::ReceiptState state) {
  return state == store::ReceiptState::read ? wire::ReceiptKind::read
                                            : wire::ReceiptKind::delivered;
}

Result<chat::sync::Storage> load_storage(const std::vector<chat::sync::Item>& items) {
  chat::sync::Storage storage;
  for (const auto& item : items) {
    if (auto inserted = storage.insert(item.timestamp, item.id); !inserted) {
      return fail(inserted.error());
    }
  }
  storage.seal();
  return storage;
}

std::vector<chat::MessageId> to_message_ids(const std::vector<chat::sync::Id>& ids) {
  return {ids.begin(), ids.end()};
}

}  // namespace

struct Messenger::SyncCounters {
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
};

asio::awaitable<Result<void>> Messenger::sync_write(std::shared_ptr<FrameStream> frames,
                                                    wire::SyncFrame frame, SyncCounters* counters) {
  auto body = wire::encode(frame);
  counters->bytes_sent += body.size();
  co_return co_await frames->write(body);
}

asio::awaitable<Result<void>> Messenger::sync_send_envelopes(std::shared_ptr<FrameStream> frames,
                                                             chat::ConversationId conversation,
                                                             std::vector<chat::MessageId> ids,
                                                             SyncCounters* counters) {
  auto in_conversation = conversation;
  for (std::size_t at = 0; at < ids.size(); at += kLoadChunk) {
    std::vector<chat::MessageId> chunk(
        ids.begin() + static_cast<std::ptrdiff_t>(at),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + kLoadChunk)));
    auto envelopes_job =
        store_.run<std::vector<Bytes>>([conversation = in_conversation, chunk = std::move(chunk)](
                                           chat::ChatStore& store) -> Result<std::vector<Bytes>> {
          // Only this conversation's messages: a peer must not fetch others by guessing ids.
          std::vector<Bytes> out;
          for (const auto& id : chunk) {
            auto message = store.message(id);
            if (!message) return fail(message.error());
            if (!*message || (*message)->conversation != conversation) continue;
            auto envelope = store.envelope(id);
            if (!envelope) return fail(envelope.error());
            if (*envelope) out.push_back(std::move(**envelope));
          }
          return out;
        });
    auto envelopes = co_await std::move(envelopes_job);
    if (!envelopes) co_return fail(envelopes.error());
    counters->sent += envelopes->size();
    for (auto& frame : wire::pack_envelopes(std::move(*envelopes))) {
      wire::SyncFrame next(std::move(frame));
      auto written = co_await sync_write(frames, std::move(next), counters);
      if (!written) co_return written;
    }
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Messenger::sync_send(std::shared_ptr<FrameStream> frames,
                                                   chat::ConversationId conversation,
                                                   std::vector<chat::MessageId> want,
                                                   std::vector<chat::MessageId> give,
                                                   SyncCounters* counters) {
  auto sent =
      co_await sync_send_all(frames, conversation, std::move(want), std::move(give), counters);
  // The receiving half is waiting on the same stream: a failed send must end it too.
  if (!sent) frames->stream().reset();
  co_return sent;
}

asio::awaitable<Result<void>> Messenger::sync_send_all(std::shared_ptr<FrameStream> frames,
                                                       chat::ConversationId conversation,
                                                       std::vector<chat::MessageId> want,
                                                       std::vector<chat::MessageId> give,
                                                       SyncCounters* counters) {
  for (auto& frame : wire::pack_wants(std::move(want))) {
    wire::SyncFrame next(std::move(frame));
    auto written = co_await sync_write(frames, std::move(next), counters);
    if (!written) co_return written;
  }
  auto given = co_await sync_send_envelopes(frames, conversation, std::move(give), counters);
  if (!given) co_return given;
  auto of_conversation = conversation;
  auto receipts_job = store_.run<std::vector<std::pair<chat::MessageId, store::ReceiptState>>>(
      [of_conversation](chat::ChatStore& store) { return store.local_receipts(of_conversation); });
  auto receipts = co_await std::move(receipts_job);
  if (!receipts) co_return fail(receipts.error());
  std::vector<wire::ReceiptEntry> entries;
  entries.reserve(receipts->size());
  for (const auto& [id, state] : *receipts) entries.push_back({id, to_wire(state)});
  for (auto& frame : wire::pack_receipts(std::move(entries))) {
    wire::SyncFrame next(std::move(frame));
    auto written = co_await sync_write(frames, std::move(next), counters);
    if (!written) co_return written;
  }
  wire::SyncFrame done(wire::DoneFrame{counters->sent, counters->bytes_sent});
  co_return co_await sync_write(frames, std::move(done), counters);
}

asio::awaitable<Result<void>> Messenger::sync_receive(std::shared_ptr<FrameStream> frames,
                                                      crypto::PeerId peer,
                                                      chat::ConversationId conversation,
                                                      std::optional<Bytes> first, bool responder,
                                                      SyncCounters* counters) {
  auto alive = alive_;
  for (;;) {
    Bytes body;
    if (first) {
      body = std::move(*first);
      first.reset();
    } else {
      auto read = co_await frames->read();
      if (!*alive) co_return fail(std::make_error_code(std::errc::operation_canceled));
      if (!read) co_return fail(read.error());
      if (!*read) co_return fail(wire::WireError::malformed);  // closed before Done
      body = std::move(**read);
    }
    counters->bytes_received += body.size();
    auto frame = wire::decode_sync_frame(body);
    if (!frame) co_return fail(frame.error());
    if (auto* want = std::get_if<wire::WantFrame>(&*frame)) {
      if (!responder) co_return fail(wire::WireError::malformed);
      auto answered =
          co_await sync_send_envelopes(frames, conversation, std::move(want->ids), counters);
      if (!answered) co_return answered;
    } else if (auto* carried = std::get_if<wire::EnvelopesFrame>(&*frame)) {
      std::vector<chat::Envelope> envelopes;
      for (const auto& encoded : carried->envelopes) {
        auto envelope = accept_envelope(encoded, peer, false);
        if (!envelope) {
          spdlog::warn("sync: dropped envelope from {}: {}", peer.to_base58(),
                       envelope.error().message());
          continue;
        }
        envelopes.push_back(std::move(*envelope));
      }
      auto count = envelopes.size();
      auto stored = co_await store_incoming(peer, std::move(envelopes));
      if (!*alive) co_return fail(std::make_error_code(std::errc::operation_canceled));
      if (!stored) co_return fail(stored.error());
      counters->received += count;
      publish({{"type", "sync"},
               {"peer", peer.to_base58()},
               {"phase", "transfer"},
               {"received", counters->received},
               {"bytes_received", counters->bytes_received}});
    } else if (auto* receipts = std::get_if<wire::ReceiptsFrame>(&*frame)) {
      std::vector<chat::MessageId> delivered;
      std::vector<chat::MessageId> read;
      for (const auto& entry : receipts->entries) {
        (entry.kind == wire::ReceiptKind::read ? read : delivered).push_back(entry.id);
      }
      if (!delivered.empty()) {
        co_await apply_receipts(peer, std::move(delivered), store::ReceiptState::delivered);
      }
      if (!read.empty()) co_await apply_receipts(peer, std::move(read), store::ReceiptState::read);
      if (!*alive) co_return fail(std::make_error_code(std::errc::operation_canceled));
    } else if (std::holds_alternative<wire::DoneFrame>(*frame)) {
      co_return Result<void>{};
    } else {
      co_return fail(wire::WireError::malformed);  // Reconcile after reconciliation ended
    }
  }
}

asio::awaitable<Result<SyncSummary>> Messenger::sync_with(crypto::PeerId peer) {
  if (peer == self()) co_return fail(chat::StoreError::not_member);
  auto& state = link(peer);
  if (state.syncing) co_return fail(std::make_error_code(std::errc::operation_in_progress));
  state.syncing = true;
  auto result = co_await p2p::with_timeout(run_sync_client(peer), kSyncTimeout);
  link(peer).syncing = false;
  if (!result) {
    publish({{"type", "sync"},
             {"peer", peer.to_base58()},
             {"phase", "failed"},
             {"error", result.error().message()}});
  }
  co_return result;
}

asio::awaitable<Result<SyncSummary>> Messenger::run_sync_client(crypto::PeerId peer) {
  using namespace asio::experimental::awaitable_operators;
  auto conversation = chat::direct_conversation_id(self(), peer);
  auto items_job = store_.run<std::vector<chat::sync::Item>>(
      [conversation](chat::ChatStore& store) { return store.sync_items(conversation); });
  auto items = co_await std::move(items_job);
  if (!items) co_return fail(items.error());
  auto storage = load_storage(*items);
  if (!storage) co_return fail(storage.error());
  auto stream = co_await open_stream(peer, wire::kSyncProtocol);
  if (!stream) co_return fail(stream.error());
  auto frames = std::make_shared<FrameStream>(std::move(*stream), wire::kMaxSyncFrameBytes);
  publish({{"type", "sync"},
           {"peer", peer.to_base58()},
           {"phase", "started"},
           {"items", storage->size()}});

  SyncSummary summary;
  SyncCounters counters;
  chat::sync::Config config;
  config.frame_size_limit = kNegentropyFrameLimit;
  config.max_message_bytes = kNegentropyFrameLimit;
  chat::sync::NegentropyClient client(*storage, config);
  std::vector<chat::MessageId> have;
  std::vector<chat::MessageId> need;
  Bytes message = client.initiate();
  for (;;) {
    if (++summary.rounds > kMaxRounds) co_return fail(wire::WireError::too_large);
    wire::SyncFrame request(wire::ReconcileFrame{conversation, std::move(message)});
    auto written = co_await sync_write(frames, std::move(request), &counters);
    if (!written) co_return fail(written.error());
    auto body = co_await frames->read();
    if (!body) co_return fail(body.error());
    if (!*body) co_return fail(wire::WireError::malformed);
    counters.bytes_received += (*body)->size();
    auto frame = wire::decode_sync_frame(**body);
    if (!frame) co_return fail(frame.error());
    auto* reply = std::get_if<wire::ReconcileFrame>(&*frame);
    if (!reply || reply->conversation != conversation) co_return fail(wire::WireError::malformed);
    auto round = client.reconcile(reply->negentropy);
    if (!round) co_return fail(round.error());
    auto round_have = to_message_ids(round->have_ids);
    auto round_need = to_message_ids(round->need_ids);
    have.insert(have.end(), round_have.begin(), round_have.end());
    need.insert(need.end(), round_need.begin(), round_need.end());
    if (!round->next) break;
    message = std::move(*round->next);
  }
  publish({{"type", "sync"},
           {"peer", peer.to_base58()},
           {"phase", "reconciled"},
           {"rounds", summary.rounds},
           {"missing_here", need.size()},
           {"missing_there", have.size()}});

  auto [sent, received] =
      co_await (sync_send(frames, conversation, std::move(need), std::move(have), &counters) &&
                sync_receive(frames, peer, conversation, std::nullopt, false, &counters));
  if (!sent) co_return fail(sent.error());
  if (!received) co_return fail(received.error());
  frames->stream().close_write();

  summary.received = counters.received;
  summary.sent = counters.sent;
  summary.bytes_received = counters.bytes_received;
  summary.bytes_sent = counters.bytes_sent;
  publish({{"type", "sync"},
           {"peer", peer.to_base58()},
           {"phase", "done"},
           {"rounds", summary.rounds},
           {"received", summary.received},
           {"sent", summary.sent},
           {"bytes_received", summary.bytes_received},
           {"bytes_sent", summary.bytes_sent}});
  co_return summary;
}

asio::awaitable<void> Messenger::serve_sync(std::shared_ptr<p2p::Stream> stream) {
  auto alive = alive_;
  auto frames = std::make_shared<FrameStream>(std::move(stream), wire::kMaxSyncFrameBytes);
  const auto peer = frames->stream().remote_peer();
  const auto conversation = chat::direct_conversation_id(self(), peer);
  auto fail_with = [&](std::string_view why) {
    spdlog::info("sync with {} refused: {}", peer.to_base58(), why);
    frames->stream().reset();
  };
  if (!is_known_peer(peer)) co_return fail_with("not a contact");
  SyncCounters counters;
  auto first = co_await frames->read();
  if (!*alive) co_return;
  if (!first || !*first) co_return fail_with("no reconcile frame");
  counters.bytes_received += (*first)->size();
  auto frame = wire::decode_sync_frame(**first);
  auto* reconcile = frame ? std::get_if<wire::ReconcileFrame>(&*frame) : nullptr;
  if (!reconcile || reconcile->conversation != conversation) co_return fail_with("bad first frame");

  auto items_job = store_.run<std::vector<chat::sync::Item>>(
      [conversation](chat::ChatStore& store) { return store.sync_items(conversation); });
  auto items = co_await std::move(items_job);
  if (!*alive) co_return;
  if (!items) co_return fail_with(items.error().message());
  auto storage = load_storage(*items);
  if (!storage) co_return fail_with(storage.error().message());
  chat::sync::Config config;
  config.frame_size_limit = kNegentropyFrameLimit;
  config.max_message_bytes = kNegentropyFrameLimit;
  chat::sync::NegentropyServer server(*storage, config);
  Bytes message = std::move(reconcile->negentropy);
  std::optional<Bytes> transfer_start;
  for (std::uint64_t round = 1;; ++round) {
    if (round > kMaxRounds) co_return fail_with("too many rounds");
    auto reply = server.reconcile(message);
    if (!reply) co_return fail_with(reply.error().message());
    wire::SyncFrame answer(wire::ReconcileFrame{conversation, std::move(*reply)});
    auto written = co_await sync_write(frames, std::move(answer), &counters);
    if (!*alive) co_return;
    if (!written) co_return fail_with(written.error().message());
    auto next = co_await frames->read();
    if (!*alive) co_return;
    if (!next || !*next) co_return fail_with("closed during reconciliation");
    auto decoded = wire::decode_sync_frame(**next);
    if (!decoded) co_return fail_with(decoded.error().message());
    auto* more = std::get_if<wire::ReconcileFrame>(&*decoded);
    if (!more) {
      transfer_start = std::move(**next);
      break;
    }
    counters.bytes_received += (*next)->size();
    if (more->conversation != conversation) co_return fail_with("conversation changed");
    message = std::move(more->negentropy);
  }
  auto received =
      co_await sync_receive(frames, peer, conversation, std::move(transfer_start), true, &counters);
  if (!*alive) co_return;
  if (!received) co_return fail_with(received.error().message());
  std::vector<chat::MessageId> nothing_wanted;
  std::vector<chat::MessageId> nothing_given;
  auto sent = co_await sync_send_all(frames, conversation, std::move(nothing_wanted),
                                     std::move(nothing_given), &counters);
  if (!*alive) co_return;
  if (!sent) co_return fail_with(sent.error().message());
  frames->stream().close_write();
  spdlog::debug("sync with {}: received {}, sent {}", peer.to_base58(), counters.received,
                counters.sent);
}

}  // namespace meshchat::node
