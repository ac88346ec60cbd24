// Decodes arbitrary bytes as a chat envelope. Aborts on an undocumented error, or if an accepted
// envelope is not its own canonical encoding: decode, encode, decode must give the same envelope,
// the same bytes and the same id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "chat/envelope.hpp"
#include "crypto/hash.hpp"

namespace chat = meshchat::chat;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  meshchat::ByteView in(data, size);
  auto envelope = chat::Envelope::decode(in);
  if (!envelope) {
    // Every chat error but clock_drift, which only the clock reports.
    check(envelope.error().category() == chat::error_category());
    check(envelope.error() != chat::Error::clock_drift);
    return 0;
  }
  check(envelope->encode().size() == size);
  check(std::equal(envelope->encode().begin(), envelope->encode().end(), data));
  check(envelope->id() == meshchat::crypto::sha256(in));

  auto again = chat::Envelope::decode(envelope->encode());
  check(again.has_value());
  check(*again == *envelope);
  check(again->id() == envelope->id());
  check(again->author() == envelope->author());
  check(again->conversation() == envelope->conversation());
  check(again->timestamp() == envelope->timestamp());
  check(again->parents() == envelope->parents());
  check(again->content_type() == envelope->content_type());
  check(again->body() == envelope->body());
  check(again->signature() == envelope->signature());
  return 0;
}
