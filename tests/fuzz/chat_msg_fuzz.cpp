// Decodes arbitrary bytes as a /meshchat/msg/1.0.0 frame body; see chat_wire_round_trip.hpp.
#include "chat/wire/msg_frame.hpp"
#include "chat_wire_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  meshchat::fuzz::round_trip(data, size, meshchat::chat::wire::decode_msg_frame);
  return 0;
}
