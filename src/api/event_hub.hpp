// Fan-out of JSON events to the WebSocket event streams. Each subscriber has a bounded queue; one
// that falls further behind is dropped rather than letting its queue grow. Transport-free.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace meshchat::api {

struct EventHubLimits {
  // Events queued for one subscriber. A UI that keeps reading never gets near this; a client
  // that stopped reading is dropped after this many, instead of holding them all.
  std::size_t max_queued_events = 10'000;
  // Bytes of serialized events queued for one subscriber: bounds memory when events are large.
  // A single event is always accepted into an empty queue, whatever its size.
  std::size_t max_queued_bytes = std::size_t{16} << 20;
};

// One subscriber's queue of serialized events. Owned by its consumer (the WebSocket session);
// the hub holds it weakly, so dropping the last shared_ptr unsubscribes.
class EventSubscriber {
 public:
  using Frame = std::shared_ptr<const std::string>;  // shared by every subscriber of one event

  // The oldest queued event as JSON text, or null when the queue is empty.
  Frame pop();
  std::size_t queued_events() const { return frames_.size(); }
  std::size_t queued_bytes() const { return queued_bytes_; }
  // The queue overflowed: the hub queues nothing more here. What was queued before stays, so
  // the consumer can deliver it before closing the stream.
  bool dropped() const { return dropped_; }
  // Called synchronously by publish() after it queued an event here or dropped this subscriber.
  // The callback must not publish.
  void on_ready(std::function<void()> callback) { on_ready_ = std::move(callback); }

 private:
  friend class EventHub;
  // Queues `frame` unless that would pass a limit; false when it did not fit.
  bool push(Frame frame, const EventHubLimits& limits);
  void notify() const;

  std::deque<Frame> frames_;
  std::size_t queued_bytes_ = 0;
  bool dropped_ = false;
  std::function<void()> on_ready_;
};

class EventHub {
 public:
  explicit EventHub(EventHubLimits limits = {}) : limits_(limits) {}
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // A subscriber receives every event published while it is alive and not dropped.
  std::shared_ptr<EventSubscriber> subscribe();
  // Serializes `event` once and queues it for every subscriber; one whose queue is full is
  // dropped. Call on the io thread.
  void publish(const nlohmann::json& event);
  // Subscribers alive and not dropped.
  std::size_t subscribers() const;
  const EventHubLimits& limits() const { return limits_; }

 private:
  EventHubLimits limits_;
  std::vector<std::weak_ptr<EventSubscriber>> subscribers_;
};

}  // namespace meshchat::api
