// Negentropy v1 message codec (hoytech/negentropy docs/negentropy-protocol-v1.md "Message",
// "Range", "Bound"): a version byte, then ranges with delta-encoded upper bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "chat/sync/item.hpp"
#include "chat/sync/varint.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::sync {

inline constexpr std::uint8_t kProtocolVersion = 0x61;  // v1
// The spec reserves 0x60..0x6F for Negentropy versions; other first bytes are not Negentropy.
inline constexpr std::uint8_t kMinVersionByte = 0x60;
inline constexpr std::uint8_t kMaxVersionByte = 0x6F;

enum class Mode : std::uint8_t { skip = 0, fingerprint = 1, id_list = 2 };

struct Range {
  Bound upper;
  Mode mode = Mode::skip;
  Fingerprint fingerprint{};  // Fingerprint mode only
  ByteView ids;               // IdList mode only: count * kIdSize bytes, viewing the message
  std::size_t id_count() const { return ids.size() / kIdSize; }
  Id id(std::size_t i) const;
};

// Reads ranges one at a time, so memory stays constant whatever the message size. Checks that
// bounds ascend and that timestamps stay below infinity, which the spec implies.
class MessageReader {
 public:
  // `message` must outlive the reader and the ranges it returns.
  explicit MessageReader(ByteView message) : rest_(message) {}

  // The first byte; call once, before next(). empty_message or bad_version.
  Result<std::uint8_t> version();
  bool at_end() const { return rest_.empty(); }
  Result<Range> next();

 private:
  Result<std::uint64_t> varint();
  Result<Bound> bound();

  ByteView rest_;
  std::uint64_t last_timestamp_ = 0;  // delta base; resets per message
  Bound previous_{};                  // the first range starts at timestamp 0, empty id
};

// Appends ranges to a message, delta-encoding timestamps; bounds must be given in ascending order.
class MessageWriter {
 public:
  MessageWriter() { out_.push_back(kProtocolVersion); }

  struct Mark {
    std::size_t size;
    std::uint64_t last_timestamp;
  };
  Mark mark() const { return {out_.size(), last_timestamp_}; }
  // Drops everything written since `m`, so a range that would break the frame limit can be undone.
  void rollback(Mark m);

  void skip(const Bound& upper);
  void fingerprint(const Bound& upper, const Fingerprint& fp);
  // Starts an IdList of `count` ids; follow with exactly `count` calls to id().
  void id_list(const Bound& upper, std::size_t count);
  void id(const Id& id);

  std::size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void bound(const Bound& b);

  Bytes out_;
  std::uint64_t last_timestamp_ = 0;
};

}  // namespace meshchat::chat::sync
