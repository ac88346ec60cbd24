// Decodes arbitrary bytes as a /meshchat/sync/1.0.0 frame body. Aborts on an error outside
// WireError, or if an accepted frame does not survive encode then decode unchanged (the
// canonical encoding is never longer than the input, so it stays within the frame limit), or if
// repacking accepted envelopes loses, reorders or oversizes anything.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "chat/wire/sync_frame.hpp"

namespace wire = meshchat::chat::wire;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented(std::error_code e) {
  return e.category() == wire::error_category() && e.value() >= 1 &&
         e.value() <= static_cast<int>(wire::WireError::bad_value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto frame = wire::decode_sync_frame(meshchat::ByteView(data, size));
  if (!frame) {
    check(documented(frame.error()));
    return 0;
  }
  meshchat::Bytes body = wire::encode(*frame);
  check(body.size() <= size);
  auto again = wire::decode_sync_frame(body);
  check(again.has_value());
  check(*again == *frame);
  check(wire::encode(*again) == body);

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
