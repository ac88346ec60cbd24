// Test harness for yamux sessions: two Sessions wired back to back under a simulated clock.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "p2p/yamux/session.hpp"

namespace meshchat::p2p::yamux::test {

inline const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

inline Bytes frame(Type type, Flags flags, std::uint32_t id, std::uint32_t length,
                   ByteView payload = {}) {
  Bytes out;
  encode(Header{type, flags, StreamId{id}, length}, out);
  append(out, payload);
  return out;
}

inline std::string hex_frame(Type type, Flags flags, std::uint32_t id, std::uint32_t length) {
  return to_hex(frame(type, flags, id, length));
}

struct Endpoint {
  explicit Endpoint(Session s) : session(std::move(s)) {}
  Session session;
  std::vector<Event> events;  // every event except StreamData
  std::map<std::uint32_t, Bytes> received;
  bool auto_consume = true;
};

class Wire {
 public:
  explicit Wire(Config client_config = {}, Config server_config = {})
      : client(Session(Role::client, client_config, kStart)),
        server(Session(Role::server, server_config, kStart)) {}

  TimePoint now = kStart;
  Endpoint client;
  Endpoint server;
  std::chrono::milliseconds one_way_delay{0};  // added to `now` per delivery
  std::function<std::size_t()> chunk = [] { return std::size_t(-1); };  // feed() sizes
  std::function<void()> between_hops;                                   // runs after each delivery

  void drain(Endpoint& e) {
    while (auto ev = e.session.next_event()) {
      if (auto* d = std::get_if<StreamData>(&*ev)) {
        append(e.received[d->id.value], d->data);
        if (e.auto_consume) e.session.consumed(d->id, d->data.size(), now);
      } else {
        e.events.push_back(std::move(*ev));
      }
    }
  }

  Result<void> deliver(Endpoint& from, Endpoint& to) {
    Bytes out = from.session.take_output();
    if (out.empty()) return {};
    now += one_way_delay;
    ByteView rest = out;
    while (!rest.empty()) {
      std::size_t n = std::min(rest.size(), std::max<std::size_t>(1, chunk()));
      if (auto r = to.session.feed(rest.first(n), now); !r) return r;
      rest = rest.subspan(n);
    }
    drain(to);
    if (between_hops) between_hops();
    return {};
  }

  // Runs until both sides are quiet. Fails the test on a session error.
  void pump(int max_rounds = 100000) {
    for (int i = 0; i < max_rounds; ++i) {
      drain(client);
      drain(server);
      if (!client.session.has_output() && !server.session.has_output()) return;
      ASSERT_TRUE(deliver(client, server));
      ASSERT_TRUE(deliver(server, client));
    }
    FAIL() << "pump did not settle";
  }
};

template <class E>
int count_events(const Endpoint& e) {
  return static_cast<int>(std::count_if(e.events.begin(), e.events.end(), [](const Event& ev) {
    return std::holds_alternative<E>(ev);
  }));
}

template <class E>
bool has_event(const Endpoint& e, const E& want) {
  return std::find(e.events.begin(), e.events.end(), Event{want}) != e.events.end();
}

}  // namespace meshchat::p2p::yamux::test
