// Two sessions wired in memory exchange data on many streams under arbitrary chunking.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "p2p/yamux/session.hpp"
#include "session_test_util.hpp"

namespace meshchat::p2p::yamux {
namespace {

using test::count_events;
using test::has_event;
using test::Wire;

struct Plan {
  bool from_client;  // who opens the stream
  Bytes to_acceptor;
  Bytes to_opener;
};

RC_GTEST_PROP(YamuxSessionProperty, ManyStreamsAnyChunking, ()) {
  auto plans = *rc::gen::container<std::vector<Plan>>(rc::gen::build<Plan>(
      rc::gen::set(&Plan::from_client),
      rc::gen::set(&Plan::to_acceptor,
                   rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>())),
      rc::gen::set(&Plan::to_opener,
                   rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()))));
  RC_PRE(plans.size() <= 40u);
  auto chunks = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 40)));
  auto frame_payload = *rc::gen::inRange<std::size_t>(1, 64);

  Config config;
  config.max_frame_payload = frame_payload;  // small frames: payload splits land anywhere
  Wire w(config, config);
  std::size_t next = 0;
  w.chunk = [&] { return chunks[next++ % chunks.size()]; };

  std::vector<StreamId> ids;
  for (const auto& p : plans) {
    auto& opener = p.from_client ? w.client : w.server;
    auto id = opener.session.open_stream();
    RC_ASSERT(id.has_value());
    ids.push_back(*id);
    RC_ASSERT(opener.session.write(*id, p.to_acceptor) == p.to_acceptor.size());
  }
  w.pump();
  for (std::size_t i = 0; i < plans.size(); ++i) {
    auto& acceptor = plans[i].from_client ? w.server : w.client;
    RC_ASSERT(has_event(acceptor, StreamOpened{ids[i]}));
    RC_ASSERT(acceptor.session.write(ids[i], plans[i].to_opener) == plans[i].to_opener.size());
    acceptor.session.close_write(ids[i]);
  }
  w.pump();
  for (std::size_t i = 0; i < plans.size(); ++i) {
    auto& opener = plans[i].from_client ? w.client : w.server;
    opener.session.close_write(ids[i]);
  }
  w.pump();

  for (std::size_t i = 0; i < plans.size(); ++i) {
    auto& opener = plans[i].from_client ? w.client : w.server;
    auto& acceptor = plans[i].from_client ? w.server : w.client;
    RC_ASSERT(acceptor.received[ids[i].value] == plans[i].to_acceptor);
    RC_ASSERT(opener.received[ids[i].value] == plans[i].to_opener);
    RC_ASSERT(has_event(opener, StreamClosed{ids[i]}));
    RC_ASSERT(has_event(acceptor, StreamClosed{ids[i]}));
  }
  RC_ASSERT(w.client.session.stream_count() == 0u);
  RC_ASSERT(w.server.session.stream_count() == 0u);
  RC_ASSERT(count_events<StreamReset>(w.client) == 0);
  RC_ASSERT(count_events<StreamReset>(w.server) == 0);
}

// The same byte stream fed whole or in arbitrary pieces gives the same events and output
// (StreamData pieces joined).
RC_GTEST_PROP(YamuxSessionProperty, ChunkingDoesNotChangeResults, ()) {
  auto messages = *rc::gen::container<std::vector<Bytes>>(
      rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()));
  const auto t0 = test::kStart;
  Session client(Role::client, {}, t0);
  for (const auto& m : messages) {
    auto id = *client.open_stream();
    client.write(id, m);
    if (m.size() % 3 == 0) client.close_write(id);
    if (m.size() % 5 == 1) client.reset(id);
  }
  Bytes wire = client.take_output();
  auto chunks = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 30)));

  auto run = [&](bool chunked) {
    Session server(Role::server, {}, t0);
    ByteView rest = wire;
    std::size_t next = 0;
    while (!rest.empty()) {
      std::size_t n = chunked ? std::min(rest.size(), chunks[next++ % chunks.size()]) : rest.size();
      RC_ASSERT(server.feed(rest.first(n), t0).has_value());
      rest = rest.subspan(n);
    }
    std::vector<Event> events;
    while (auto e = server.next_event()) {
      auto* d = std::get_if<StreamData>(&*e);
      StreamData* last = events.empty() ? nullptr : std::get_if<StreamData>(&events.back());
      if (d && last && last->id == d->id) {
        append(last->data, d->data);
      } else {
        events.push_back(std::move(*e));
      }
    }
    return std::make_pair(events, server.take_output());
  };
  RC_ASSERT(run(false) == run(true));
}

}  // namespace
}  // namespace meshchat::p2p::yamux
