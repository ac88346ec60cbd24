// Fuzzes a server yamux Session. Pass 1 feeds the input as wire bytes, whole and in pieces,
// and requires identical events, output and result. Pass 2 reads the input as a script that
// interleaves feeding with API calls. Both require documented errors only and bounded output.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "p2p/yamux/session.hpp"

using namespace meshchat;
using namespace meshchat::p2p::yamux;

namespace {

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

void check(bool ok) {
  if (!ok) std::abort();
}

bool is_peer_error(std::error_code ec) {
  for (Error e :
       {Error::bad_version, Error::bad_type, Error::frame_too_large, Error::window_exceeded,
        Error::window_overflow, Error::bad_stream_id, Error::duplicate_stream})
    if (ec == e) return true;
  return false;
}

Config small_config() {
  Config c;
  c.max_streams = 8;
  c.max_frame_payload = 1000;
  c.max_stream_window = 4 * 1024 * 1024;
  return c;
}

struct Outcome {
  std::vector<Event> events;  // adjacent StreamData of one stream joined
  Bytes output;
  std::error_code error;
  bool operator==(const Outcome&) const = default;
};

Outcome run_fed(ByteView input, bool chunked) {
  Session s(Role::server, small_config(), kT0);
  Outcome o;
  std::uint32_t rng = static_cast<std::uint32_t>(input.size()) * 2654435761u + 1;
  ByteView rest = input;
  while (!rest.empty()) {
    rng = rng * 1664525u + 1013904223u;
    std::size_t n = chunked ? std::min<std::size_t>(rest.size(), 1 + (rng >> 28)) : rest.size();
    auto r = s.feed(rest.first(n), kT0);
    rest = rest.subspan(n);
    if (!r) {
      check(is_peer_error(r.error()));
      o.error = r.error();
      break;
    }
  }
  while (auto e = s.next_event()) {
    auto* d = std::get_if<StreamData>(&*e);
    StreamData* last = o.events.empty() ? nullptr : std::get_if<StreamData>(&o.events.back());
    if (d && last && last->id == d->id) {
      append(last->data, d->data);
    } else {
      o.events.push_back(std::move(*e));
    }
  }
  o.output = s.take_output();
  // Each header yields at most one 12-byte frame, plus our first ping and a final GoAway.
  check(o.output.size() <= input.size() + 2 * kHeaderSize);
  return o;
}

void check_stream(const Session& s, StreamId id, const Config& c) {
  const Stream* st = s.find_stream(id);
  if (!st) return;
  check(st->recv_window <= c.max_stream_window);
  check(std::uint64_t{st->recv_credit} + st->unconsumed + st->consumed_unacked <= st->recv_window);
}

void run_script(const std::uint8_t* data, std::size_t size) {
  const Config config = small_config();
  Session s(Role::server, config, kT0);
  TimePoint now = kT0;
  std::vector<StreamId> ids;
  std::size_t budget = kHeaderSize;  // the first ping
  std::size_t produced = 0;
  std::size_t i = 0;
  auto next = [&]() -> std::uint8_t { return i < size ? data[i++] : 0; };
  while (i < size) {
    const std::uint8_t op = next();
    const std::uint8_t arg = next();
    StreamId target = ids.empty() ? StreamId{arg} : ids[arg % ids.size()];
    switch (op % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {
        std::size_t n = std::min<std::size_t>(size - i, 1 + arg);
        auto r = s.feed({data + i, n}, now);
        i += n;
        budget += n + kHeaderSize;
        if (!r) check(is_peer_error(r.error()) || r.error() == Error::keepalive_timeout);
        break;
      }
      case 4: {
        auto id = s.open_stream();
        budget += kHeaderSize;
        if (id) {
          check(id->value % 2 == 0);
          ids.push_back(*id);
        } else {
          auto e = id.error();
          check(e == Error::too_many_streams || e == Error::ack_backlog_full ||
                e == Error::going_away || e == Error::stream_ids_exhausted ||
                (!s.status() && e == s.status().error()));
        }
        break;
      }
      case 5: {
        const Stream* st = s.find_stream(target);
        if (st && st->state == StreamState::write_closed) break;  // writing would be misuse
        const std::uint32_t window = st && s.status() ? st->send_window : 0;
        Bytes payload(std::size_t{arg} * 97, arg);
        std::size_t taken = s.write(target, payload);
        check(taken == std::min<std::size_t>(payload.size(), window));
        budget += 2 * taken + kHeaderSize;
        break;
      }
      case 6:
        s.close_write(target);
        budget += kHeaderSize;
        break;
      case 7:
        s.reset(target);
        budget += kHeaderSize;
        break;
      case 8:
        if (const Stream* st = s.find_stream(target)) s.consumed(target, st->unconsumed, now);
        budget += kHeaderSize;
        break;
      case 9:
        now += std::chrono::milliseconds(std::uint32_t{arg} * 250);
        s.on_timer(now);
        if (arg == 255) s.go_away(0);
        budget += kHeaderSize;
        break;
    }
    while (auto e = s.next_event()) {
      if (auto* o = std::get_if<StreamOpened>(&*e)) {
        check(o->id.value % 2 == 1);
        ids.push_back(o->id);
      }
    }
    for (auto id : ids) check_stream(s, id, config);
    check(s.stream_count() <= config.max_streams);
    check(s.next_timer().has_value() == s.status().has_value());
    produced += s.take_output().size();
    check(produced <= budget);
    if (ids.size() > 4096) ids.erase(ids.begin(), ids.begin() + 2048);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  check(run_fed(input, false) == run_fed(input, true));
  run_script(data, size);
  return 0;
}
