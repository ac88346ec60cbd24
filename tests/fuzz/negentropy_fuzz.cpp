// Fuzzes Negentropy v1 (hoytech/negentropy docs/negentropy-protocol-v1.md): a server with a fixed
// record set answers arbitrary bytes. Aborts on an undocumented error, on a reply that does not
// decode or breaks the frame limit, or if a message that decodes does not re-encode to itself.
#include <cstdint>
#include <cstdlib>

#include "chat/sync/error.hpp"
#include "chat/sync/message.hpp"
#include "chat/sync/negentropy.hpp"

using namespace meshchat;
using namespace meshchat::chat::sync;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}

const Storage& records() {
  static const Storage storage = [] {
    Storage s;
    for (std::uint64_t i = 0; i < 300; ++i) {
      Id id{};
      id[0] = static_cast<std::uint8_t>(i * 37);
      id[1] = static_cast<std::uint8_t>(i);
      // Few distinct timestamps, so bounds carry id prefixes.
      check(s.insert(i / 7, id).has_value());
    }
    s.seal();
    return s;
  }();
  return storage;
}

bool documented(std::error_code ec) {
  if (ec.category() != error_category()) return false;
  const auto e = static_cast<Error>(ec.value());
  return e != Error::unsupported_version && e != Error::reserved_timestamp &&
         e >= Error::empty_message && e <= Error::reserved_timestamp;
}

// Decodes a whole message and re-encodes it; nullopt when it does not decode.
std::optional<Bytes> reencode(ByteView in) {
  MessageReader reader(in);
  auto version = reader.version();
  if (!version || *version != kProtocolVersion) return std::nullopt;
  MessageWriter writer;
  while (!reader.at_end()) {
    auto range = reader.next();
    if (!range) return std::nullopt;
    switch (range->mode) {
      case Mode::skip:
        writer.skip(range->upper);
        break;
      case Mode::fingerprint:
        writer.fingerprint(range->upper, range->fingerprint);
        break;
      case Mode::id_list:
        writer.id_list(range->upper, range->id_count());
        for (std::size_t i = 0; i < range->id_count(); ++i) writer.id(range->id(i));
        break;
    }
  }
  return writer.take();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  Config limited;
  limited.frame_size_limit = kMinFrameSizeLimit;
  for (const Config& config : {Config{}, limited}) {
    NegentropyServer server(records(), config);
    auto reply = server.reconcile(in);
    if (!reply) {
      check(documented(reply.error()));
      continue;
    }
    check(config.frame_size_limit == 0 || reply->size() <= config.frame_size_limit);
    if (reply->size() == 1) continue;  // version downgrade answer
    // Our own replies always decode and re-encode exactly.
    auto again = reencode(*reply);
    check(again.has_value() && *again == *reply);
  }
  // A message that decodes re-encodes byte for byte unless it uses non-canonical forms the
  // writer never emits (an id prefix with trailing zeros, or an over-long prefix).
  if (auto first = reencode(in)) {
    auto second = reencode(*first);
    check(second.has_value() && *second == *first);
  }
  return 0;
}
