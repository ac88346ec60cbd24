// Negentropy v1 range-based set reconciliation (hoytech/negentropy docs/negentropy-protocol-v1.md),
// sans-IO: the client and server turn messages into messages; the caller moves the bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "chat/sync/item.hpp"
#include "chat/sync/message.hpp"
#include "chat/sync/storage.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::sync {

// Below 4096 bytes a frame could not carry one split range plus the closing fingerprint range,
// and the reference implementation rejects such limits too.
inline constexpr std::size_t kMinFrameSizeLimit = 4096;
// A range split into 16 fingerprints takes about 16 * 60 bytes, so an unlimited message is at
// most ~60 bytes per record of the sender: 64 MiB covers a million-record history.
inline constexpr std::size_t kDefaultMaxMessageBytes = 64 * 1024 * 1024;
// Ranges with fewer records than this go out as an IdList; larger ones split into kBuckets
// fingerprints. Same constants as the reference implementation, so round counts match it.
inline constexpr std::size_t kBuckets = 16;
inline constexpr std::size_t kIdListThreshold = 2 * kBuckets;
// Bytes kept free below frame_size_limit when deciding to stop: room for the closing
// "everything else" fingerprint range (bound up to 44 bytes, mode, 16-byte fingerprint) and the
// IdList header written after its ids were counted.
inline constexpr std::size_t kFrameHeadroom = 200;

struct Config {
  // 0: no limit. Otherwise each message we send stays within this many bytes, and the rest
  // of the work moves to later rounds. Must be 0 or at least kMinFrameSizeLimit.
  std::size_t frame_size_limit = 0;
  // Longer incoming messages are rejected with message_too_large.
  std::size_t max_message_bytes = kDefaultMaxMessageBytes;
};

// What one client round yields. Ids are those found in this round only.
struct ClientRound {
  std::optional<Bytes> next;  // message for the server, or nullopt: reconciliation is complete
  std::vector<Id> have_ids;   // the client has these and the server does not
  std::vector<Id> need_ids;   // the server has these and the client does not
};

// Shared engine; use NegentropyClient or NegentropyServer. `storage` must be sealed and must
// outlive it. A bad frame_size_limit or unsealed storage is a bug (std::logic_error).
class Negentropy {
 protected:
  Negentropy(const Storage& storage, Config config);
  Result<Bytes> reconcile_message(ByteView message, bool initiator, std::vector<Id>* have,
                                  std::vector<Id>* need);
  void split_range(MessageWriter& out, std::size_t lower, std::size_t upper, const Bound& bound);
  bool exceeds_frame(std::size_t size) const;

  const Storage& storage_;
  Config config_;

 private:
  void compare_id_lists(const Range& range, std::size_t lower, std::size_t upper,
                        std::vector<Id>& have, std::vector<Id>& need);
};

class NegentropyClient : private Negentropy {
 public:
  explicit NegentropyClient(const Storage& storage, Config config = {})
      : Negentropy(storage, config) {}
  // The first message. Call once, before reconcile().
  Bytes initiate();
  // Processes a server reply; errors leave the session unusable.
  Result<ClientRound> reconcile(ByteView message);

 private:
  bool initiated_ = false;
};

class NegentropyServer : private Negentropy {
 public:
  explicit NegentropyServer(const Storage& storage, Config config = {})
      : Negentropy(storage, config) {}
  // The reply to a client message. A message in another Negentropy version gets the single byte
  // kProtocolVersion, as the spec asks, so the client can downgrade.
  Result<Bytes> reconcile(ByteView message);
};

}  // namespace meshchat::chat::sync
