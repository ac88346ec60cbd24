// MessageStatus: the names the API shows, and the status of every stored direction and state.
#include "chat/message_status.hpp"

#include <gtest/gtest.h>

namespace meshchat::chat {
namespace {

using store::Direction;
using store::MessageState;

TEST(MessageStatus, NamesRoundTrip) {
  EXPECT_EQ(to_string(MessageStatus::queued), "queued");
  EXPECT_EQ(to_string(MessageStatus::delivered), "delivered");
  EXPECT_EQ(to_string(MessageStatus::read), "read");
  EXPECT_EQ(to_string(MessageStatus::received), "received");
  for (auto status : {MessageStatus::queued, MessageStatus::delivered, MessageStatus::read,
                      MessageStatus::received}) {
    EXPECT_EQ(message_status_from_string(to_string(status)), status);
  }
  EXPECT_EQ(message_status_from_string("Read"), std::nullopt);
  EXPECT_EQ(message_status_from_string(""), std::nullopt);
}

TEST(MessageStatus, FromStoredRow) {
  EXPECT_EQ(message_status(Direction::outgoing, MessageState::pending), MessageStatus::queued);
  EXPECT_EQ(message_status(Direction::outgoing, MessageState::sent), MessageStatus::queued);
  EXPECT_EQ(message_status(Direction::outgoing, MessageState::failed), MessageStatus::queued);
  EXPECT_EQ(message_status(Direction::outgoing, MessageState::delivered), MessageStatus::delivered);
  EXPECT_EQ(message_status(Direction::outgoing, MessageState::read), MessageStatus::read);
  EXPECT_EQ(message_status(Direction::incoming, MessageState::delivered), MessageStatus::received);
  EXPECT_EQ(message_status(Direction::incoming, MessageState::read), MessageStatus::read);
}

}  // namespace
}  // namespace meshchat::chat
