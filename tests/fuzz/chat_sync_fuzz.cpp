// Decodes arbitrary bytes as a /meshchat/sync/1.0.0 frame body (see chat_wire_round_trip.hpp),
// and aborts if repacking accepted envelopes loses, reorders or oversizes anything.
#include <vector>

#include "chat/wire/sync_frame.hpp"
#include "chat_wire_round_trip.hpp"

namespace wire = meshchat::chat::wire;
using meshchat::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto frame = meshchat::fuzz::round_trip(data, size, wire::decode_sync_frame);
  if (!frame) return 0;
  if (const auto* envelopes = std::get_if<wire::EnvelopesFrame>(&*frame)) {
    std::vector<meshchat::Bytes> rejoined;
    for (const auto& packed : wire::pack_envelopes(envelopes->envelopes)) {
      check(wire::encode(packed).size() <= wire::kMaxSyncFrameBytes);
      rejoined.insert(rejoined.end(), packed.envelopes.begin(), packed.envelopes.end());
    }
    check(rejoined == envelopes->envelopes);
  }
  return 0;
}
