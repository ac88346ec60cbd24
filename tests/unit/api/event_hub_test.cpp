// EventHub: fan-out in order, one serialization shared by all, bounded queues that drop a
// subscriber at the limit (by count and by bytes), and unsubscribing by destruction.
#include "api/event_hub.hpp"

#include <gtest/gtest.h>

namespace meshchat::api {
namespace {

std::vector<std::string> drain(EventSubscriber& subscriber) {
  std::vector<std::string> out;
  while (auto frame = subscriber.pop()) out.push_back(*frame);
  return out;
}

TEST(EventHub, FansOutInOrder) {
  EventHub hub;
  auto a = hub.subscribe();
  auto b = hub.subscribe();
  EXPECT_EQ(hub.subscribers(), 2u);
  hub.publish({{"seq", 1}});
  hub.publish({{"seq", 2}});
  std::vector<std::string> expected{R"({"seq":1})", R"({"seq":2})"};
  EXPECT_EQ(drain(*a), expected);
  EXPECT_EQ(drain(*b), expected);
  EXPECT_EQ(a->pop(), nullptr);
}

TEST(EventHub, SubscribersShareOneSerialization) {
  EventHub hub;
  auto a = hub.subscribe();
  auto b = hub.subscribe();
  hub.publish({{"x", 1}});
  EXPECT_EQ(a->pop().get(), b->pop().get());
}

TEST(EventHub, OnlyEventsAfterSubscribing) {
  EventHub hub;
  hub.publish({{"seq", 0}});
  auto a = hub.subscribe();
  hub.publish({{"seq", 1}});
  EXPECT_EQ(drain(*a), std::vector<std::string>{R"({"seq":1})"});
}

TEST(EventHub, DestroyingUnsubscribes) {
  EventHub hub;
  auto a = hub.subscribe();
  {
    auto b = hub.subscribe();
    EXPECT_EQ(hub.subscribers(), 2u);
  }
  EXPECT_EQ(hub.subscribers(), 1u);
  a.reset();
  EXPECT_EQ(hub.subscribers(), 0u);
  hub.publish({{"nobody", "listens"}});
}

TEST(EventHub, NotifiesOnPublish) {
  EventHub hub;
  auto a = hub.subscribe();
  int calls = 0;
  a->on_ready([&] { ++calls; });
  hub.publish(1);
  hub.publish(2);
  EXPECT_EQ(calls, 2);
}

TEST(EventHub, DropsSubscriberPastEventLimit) {
  EventHub hub(EventHubLimits{3, 1 << 20});
  auto slow = hub.subscribe();
  auto fast = hub.subscribe();
  int slow_calls = 0;
  slow->on_ready([&] { ++slow_calls; });
  for (int i = 0; i < 3; ++i) {
    hub.publish(i);
    EXPECT_EQ(drain(*fast).size(), 1u);
  }
  EXPECT_EQ(slow->queued_events(), 3u);
  EXPECT_FALSE(slow->dropped());
  hub.publish(3);
  EXPECT_TRUE(slow->dropped());
  EXPECT_EQ(slow_calls, 4);  // the drop is announced too
  EXPECT_EQ(hub.subscribers(), 1u);
  EXPECT_EQ(drain(*fast), std::vector<std::string>{"3"});
  for (int i = 4; i < 100; ++i) {
    hub.publish(i);
    EXPECT_EQ(drain(*fast), std::vector<std::string>{std::to_string(i)});
  }
  EXPECT_EQ(slow_calls, 4);
  // What came before the drop stays deliverable; nothing after it was queued.
  EXPECT_EQ(drain(*slow), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_FALSE(fast->dropped());
}

TEST(EventHub, DropsSubscriberPastByteLimit) {
  EventHub hub(EventHubLimits{1000, 25});
  auto a = hub.subscribe();
  std::string ten(8, 'x');  // "\"xxxxxxxx\"" is 10 bytes
  hub.publish(ten);
  hub.publish(ten);
  EXPECT_EQ(a->queued_bytes(), 20u);
  hub.publish(ten);
  EXPECT_TRUE(a->dropped());
  EXPECT_EQ(a->queued_events(), 2u);
}

TEST(EventHub, OversizedEventStillReachesEmptyQueue) {
  EventHub hub(EventHubLimits{10, 4});
  auto a = hub.subscribe();
  hub.publish("a long string");
  EXPECT_FALSE(a->dropped());
  EXPECT_EQ(drain(*a), std::vector<std::string>{"\"a long string\""});
}

TEST(EventHub, InvalidUtf8IsReplacedNotThrown) {
  EventHub hub;
  auto a = hub.subscribe();
  EXPECT_NO_THROW(hub.publish(nlohmann::json{{"s", std::string("\xff")}}));
  EXPECT_EQ(drain(*a), std::vector<std::string>{"{\"s\":\"\xef\xbf\xbd\"}"});
}

}  // namespace
}  // namespace meshchat::api
