// The outbox: rounds of queued envelopes per peer, acknowledged or retried with exponential
// backoff and jitter; a peer that connects gets its queue at once.
#include <spdlog/spdlog.h>

#include <cmath>

#include "node/chat/frame_stream.hpp"
#include "node/chat/messenger.hpp"
#include "node/chat/peer_link.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
namespace wire = chat::wire;

namespace {

// The scheduler looks again at least this often, so a clock jump cannot strand the queue.
constexpr auto kSchedulerIdle = std::chrono::seconds(60);
constexpr std::size_t kDueBatch = 1024;
// attempts beyond this no longer grow the delay (2^20 s is far past the cap anyway).
constexpr std::int64_t kMaxBackoffExponent = 20;

std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

Duration Messenger::backoff(std::int64_t attempts) {
  auto exponent = std::min(attempts, kMaxBackoffExponent);
  auto base = std::chrono::duration<double>(config_.retry_base).count();
  auto cap = std::chrono::duration<double>(config_.retry_max).count();
  auto delay = std::min(cap, base * std::pow(2.0, static_cast<double>(exponent)));
  // Full jitter over the upper half: peers that failed together do not retry together.
  std::uint8_t random[2];
  host_.rng().fill(random);
  double factor = 0.5 + 0.5 * ((random[0] << 8 | random[1]) / 65535.0);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(delay * factor));
}

void Messenger::flush(const crypto::PeerId& peer) {
  if (stopped_ || peer == self()) return;
  auto& state = link(peer);
  if (state.flushing) {
    state.flush_again = true;
    state.acked.notify();  // a loop waiting for acks picks the new messages up now
    return;
  }
  state.flushing = true;
  spawn(flush_loop(peer));
}

asio::awaitable<void> Messenger::retry_later(const std::vector<chat::OutboxEntry>& entries) {
  auto now = static_cast<std::int64_t>(now_ms());
  OutboxSchedule schedule;
  for (const auto& entry : entries) {
    schedule.emplace_back(entry.id, entry.peer, entry.attempts + 1,
                          now + to_ms(backoff(entry.attempts)));
  }
  co_await write_schedule(std::move(schedule));
  if (outbox_wakeup_) outbox_wakeup_->notify();
}

asio::awaitable<void> Messenger::postpone(const std::vector<chat::OutboxEntry>& entries,
                                          TimePoint until) {
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  auto at = static_cast<std::int64_t>(now_ms()) + std::max<std::int64_t>(delay.count(), 0);
  OutboxSchedule schedule;
  for (const auto& entry : entries) schedule.emplace_back(entry.id, entry.peer, entry.attempts, at);
  co_await write_schedule(std::move(schedule));
}

asio::awaitable<void> Messenger::write_schedule(OutboxSchedule schedule) {
  if (schedule.empty()) co_return;
  for (const auto& row : schedule) link(std::get<1>(row)).store_backlog = true;
  auto rows = std::move(schedule);
  auto job = store_.run<void>([rows = std::move(rows)](chat::ChatStore& store) {
    for (const auto& [id, peer, attempts, next] : rows) {
      if (auto done = store.reschedule(id, peer, attempts, next); !done) return done;
    }
    return Result<void>{};
  });
  auto written = co_await std::move(job);
  if (!written) spdlog::error("cannot reschedule outbox: {}", written.error().message());
}

asio::awaitable<Result<std::vector<chat::OutboxEntry>>> Messenger::next_round(
    const crypto::PeerId& peer) {
  std::vector<chat::OutboxEntry> round;
  auto& state = link(peer);
  if (!state.store_backlog) {
    while (!state.ready.empty() && round.size() < config_.outbox_batch) {
      auto entry = std::move(state.ready.front());
      state.ready.pop_front();
      if (!state.in_flight.contains(entry.id)) round.push_back(std::move(entry));
    }
    co_return round;
  }
  // Everything stored so far is in the store's answer or in flight; whatever `ready` holds
  // now is in the store too, and what arrives later is newer than this read.
  state.store_backlog = false;
  state.ready.clear();
  auto who = peer;
  auto limit = state.in_flight.size() + config_.outbox_batch;
  auto entries_job = store_.run<std::vector<chat::OutboxEntry>>(
      [who, limit](chat::ChatStore& store) { return store.outbox_for(who, limit); });
  auto entries = co_await std::move(entries_job);
  auto& after = link(peer);
  if (!entries) {
    after.store_backlog = true;
    co_return fail(entries.error());
  }
  // A full answer may have left messages behind: read the store again next round.
  if (entries->size() >= limit) after.store_backlog = true;
  for (auto& entry : *entries) {
    if (!after.in_flight.contains(entry.id)) round.push_back(std::move(entry));
  }
  // Messages stored while the read ran may be in its answer as well.
  std::erase_if(after.ready, [&](const chat::OutboxEntry& entry) {
    return std::any_of(round.begin(), round.end(),
                       [&](const chat::OutboxEntry& taken) { return taken.id == entry.id; });
  });
  co_return round;
}

asio::awaitable<void> Messenger::flush_loop(crypto::PeerId peer) {
  auto alive = alive_;
  auto who = peer;
  std::shared_ptr<FrameStream> stream;
  auto last_progress = Clock::now();
  asio::steady_timer timer(host_.executor());
  for (;;) {
    auto& state = link(peer);
    state.flush_again = false;
    // Rounds are pipelined: up to the window stays unacknowledged while the next is written.
    std::vector<chat::OutboxEntry> fresh;
    if (state.in_flight.size() < config_.outbox_window) {
      auto round = co_await next_round(who);
      if (!*alive || stopped_) co_return;
      if (!round) {
        spdlog::error("cannot read outbox: {}", round.error().message());
        break;
      }
      fresh = std::move(*round);
    }
    auto& current = link(peer);
    if (fresh.empty() && current.in_flight.empty()) {
      // Nothing queued; still connect when asked to (a contact just added), for presence/sync.
      if (!online(peer) && current.flush_again) continue;
      if (!online(peer) && is_known_peer(peer)) (void)co_await connect(peer);
      break;
    }
    if (!fresh.empty()) {
      if (!stream || current.msg != stream) {
        // An unreachable peer is dialed on the backoff schedule, not once per message sent.
        auto now_wall = static_cast<std::int64_t>(now_ms());
        std::vector<chat::OutboxEntry> due;
        for (auto& entry : fresh) {
          if (entry.next_attempt_at_ms <= now_wall) due.push_back(entry);
        }
        if (!online(peer) && Clock::now() < current.next_dial_at) {
          co_await postpone(due, current.next_dial_at);
          break;
        }
        auto opened = co_await msg_stream(peer);
        if (!*alive || stopped_) co_return;
        if (!opened) {
          auto& failed = link(peer);
          failed.next_dial_at = Clock::now() + backoff(failed.dial_failures++);
          spdlog::debug("{} unreachable ({}): {} message(s) stay queued", peer.to_base58(),
                        opened.error().message(), due.size());
          co_await retry_later(due);
          break;
        }
        link(peer).dial_failures = 0;
        stream = *opened;
        last_progress = Clock::now();
      }
      std::vector<Bytes> frames;
      frames.reserve(fresh.size());
      for (auto& entry : fresh) {
        link(peer).in_flight.emplace(entry.id, entry.attempts);
        frames.push_back(
            wire::encode(wire::MsgFrame(wire::EnvelopeFrame{std::move(entry.envelope)})));
      }
      auto written = co_await stream->write_all(frames);
      if (!*alive || stopped_) co_return;
      if (written) continue;  // look for more at once
    }
    // Window full or queue drained: wait for acks, new messages, or the deadline.
    auto& waiting = link(peer);
    auto deadline = last_progress + config_.ack_timeout;
    auto acked_before = waiting.acked_count;
    if (stream && waiting.msg == stream && Clock::now() < deadline && !waiting.flush_again) {
      timer.expires_at(deadline);
      timer.async_wait([&waiting](const boost::system::error_code& ec) {
        if (!ec) waiting.acked.notify();
      });
      co_await waiting.acked.wait();
      timer.cancel();
      if (!*alive || stopped_) co_return;
    }
    auto& after = link(peer);
    if (after.acked_count != acked_before) last_progress = Clock::now();
    bool stream_lost = !stream || after.msg != stream;
    bool stalled = !after.in_flight.empty() && Clock::now() >= last_progress + config_.ack_timeout;
    if (stream_lost || stalled) {
      std::vector<chat::OutboxEntry> unacked;
      for (const auto& [id, attempts] : after.in_flight) {
        unacked.push_back(chat::OutboxEntry{id, peer, attempts, 0, {}});
      }
      after.in_flight.clear();
      if (stream && after.msg == stream) after.drop_streams();
      spdlog::debug("{} did not acknowledge {} message(s); retrying later", peer.to_base58(),
                    unacked.size());
      co_await retry_later(unacked);
      break;
    }
  }
  if (!*alive) co_return;
  auto& state = link(peer);
  state.flushing = false;
  if (state.flush_again && online(peer)) flush(peer);
}

asio::awaitable<void> Messenger::outbox_scheduler() {
  auto alive = alive_;
  asio::steady_timer timer(host_.executor());
  while (*alive && !stopped_) {
    auto now = static_cast<std::int64_t>(now_ms());
    auto due_job = store_.run<std::vector<chat::OutboxEntry>>(
        [now](chat::ChatStore& store) { return store.due_outbox(now, kDueBatch); });
    auto due = co_await std::move(due_job);
    if (!*alive || stopped_) co_return;
    if (due) {
      std::unordered_set<crypto::PeerId> peers;
      for (const auto& entry : *due) peers.insert(entry.peer);
      for (const auto& peer : peers) {
        link(peer).store_backlog = true;  // due rows live in the store only
        flush(peer);
      }
    }
    auto next_job = store_.run<std::optional<std::int64_t>>(
        [](chat::ChatStore& store) { return store.next_outbox_attempt(); });
    auto next = co_await std::move(next_job);
    if (!*alive || stopped_) co_return;
    auto wait = std::chrono::duration_cast<Duration>(kSchedulerIdle);
    if (next && *next) {
      auto until = std::chrono::milliseconds(std::max<std::int64_t>(**next - now, 0));
      // Entries due now are being flushed; look again once that round had time to finish.
      wait = std::clamp<Duration>(until, std::chrono::milliseconds(500), wait);
    }
    timer.expires_after(wait);
    timer.async_wait([wakeup = outbox_wakeup_.get()](const boost::system::error_code& ec) {
      if (!ec) wakeup->notify();
    });
    co_await outbox_wakeup_->wait();
    timer.cancel();
  }
}

}  // namespace meshchat::node
