#include "api/event_hub.hpp"

#include <algorithm>

namespace meshchat::api {

EventSubscriber::Frame EventSubscriber::pop() {
  if (frames_.empty()) return nullptr;
  Frame frame = std::move(frames_.front());
  frames_.pop_front();
  queued_bytes_ -= frame->size();
  return frame;
}

bool EventSubscriber::push(Frame frame, const EventHubLimits& limits) {
  if (!frames_.empty() && (frames_.size() >= limits.max_queued_events ||
                           queued_bytes_ + frame->size() > limits.max_queued_bytes)) {
    return false;
  }
  queued_bytes_ += frame->size();
  frames_.push_back(std::move(frame));
  return true;
}

void EventSubscriber::notify() const {
  if (on_ready_) on_ready_();
}

std::shared_ptr<EventSubscriber> EventHub::subscribe() {
  std::erase_if(subscribers_, [](const auto& weak) { return weak.expired(); });
  auto subscriber = std::make_shared<EventSubscriber>();
  subscribers_.push_back(subscriber);
  return subscriber;
}

void EventHub::publish(const nlohmann::json& event) {
  std::erase_if(subscribers_, [](const auto& weak) { return weak.expired(); });
  if (subscribers_.empty()) return;
  // Replacing invalid UTF-8 (rather than throwing) keeps one bad string from losing the event.
  auto frame = std::make_shared<const std::string>(
      event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // Callbacks run after the loop, so that they cannot observe or change the list mid-way.
  std::vector<std::shared_ptr<EventSubscriber>> ready;
  ready.reserve(subscribers_.size());
  std::erase_if(subscribers_, [&](const auto& weak) {
    auto subscriber = weak.lock();
    bool fits = subscriber->push(frame, limits_);
    if (!fits) subscriber->dropped_ = true;
    ready.push_back(std::move(subscriber));
    return !fits;
  });
  for (const auto& subscriber : ready) subscriber->notify();
}

std::size_t EventHub::subscribers() const {
  return static_cast<std::size_t>(std::count_if(subscribers_.begin(), subscribers_.end(),
                                                [](const auto& weak) { return !weak.expired(); }));
}

}  // namespace meshchat::api
