#include "chat/sync/negentropy.hpp"

#include <algorithm>
#include <stdexcept>

#include "chat/sync/error.hpp"

namespace meshchat::chat::sync {

namespace {
// Largest IdList header: a bound (timestamp varint, length varint, 32-byte prefix), the mode and
// the count varint. Used to size a partial IdList under the frame limit.
constexpr std::size_t kMaxIdListHeader = kMaxVarintBytes + 1 + kIdSize + 1 + kMaxVarintBytes;

void sort_unique(std::vector<Id>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}
}  // namespace

Negentropy::Negentropy(const Storage& storage, Config config) : storage_(storage), config_(config) {
  if (!storage.sealed()) throw std::logic_error("negentropy: storage not sealed");
  if (config.frame_size_limit != 0 && config.frame_size_limit < kMinFrameSizeLimit) {
    throw std::logic_error("negentropy: frame_size_limit below 4096");
  }
}

bool Negentropy::exceeds_frame(std::size_t size) const {
  return config_.frame_size_limit != 0 && size > config_.frame_size_limit - kFrameHeadroom;
}

void Negentropy::split_range(MessageWriter& out, std::size_t lower, std::size_t upper,
                             const Bound& bound) {
  const std::size_t count = upper - lower;
  if (count < kIdListThreshold) {
    // Few records: sending them is cheaper than another round of fingerprints.
    out.id_list(bound, count);
    for (std::size_t i = lower; i < upper; ++i) out.id(storage_.item(i).id);
    return;
  }
  const std::size_t per_bucket = count / kBuckets;
  const std::size_t with_extra = count % kBuckets;
  std::size_t current = lower;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    const std::size_t size = per_bucket + (i < with_extra ? 1 : 0);
    const Fingerprint fp = storage_.fingerprint(current, current + size);
    current += size;
    const Bound next = current == upper
                           ? bound
                           : minimal_bound(storage_.item(current - 1), storage_.item(current));
    out.fingerprint(next, fp);
  }
}

void Negentropy::compare_id_lists(const Range& range, std::size_t lower, std::size_t upper,
                                  std::vector<Id>& have, std::vector<Id>& need) {
  // Sorted vectors rather than a hash set: memory is exactly the ids, bounded by the message size.
  std::vector<Id> theirs;
  theirs.reserve(range.id_count());
  for (std::size_t i = 0; i < range.id_count(); ++i) theirs.push_back(range.id(i));
  sort_unique(theirs);
  std::vector<Id> ours;
  ours.reserve(upper - lower);
  for (std::size_t i = lower; i < upper; ++i) ours.push_back(storage_.item(i).id);
  sort_unique(ours);
  std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                      std::back_inserter(have));
  std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(),
                      std::back_inserter(need));
}

Result<Bytes> Negentropy::reconcile_message(ByteView message, bool initiator, std::vector<Id>* have,
                                            std::vector<Id>* need) {
  if (message.size() > config_.max_message_bytes) return fail(Error::message_too_large);
  MessageReader reader(message);
  auto version = reader.version();
  if (!version) return fail(version.error());
  if (*version != kProtocolVersion) {
    if (initiator) return fail(Error::unsupported_version);
    return Bytes{kProtocolVersion};
  }

  const std::size_t total = storage_.size();
  MessageWriter out;
  Bound prev_bound{};          // upper bound of the previous incoming range
  std::size_t prev_index = 0;  // first record at or above prev_bound
  // Matching and finished ranges coalesce into one Skip, written only if something follows;
  // a trailing Skip is implicit in the spec.
  bool skip = false;
  std::size_t emitted_index = 0;  // first record above the last bound written to `out`

  while (!reader.at_end()) {
    auto range = reader.next();
    if (!range) return fail(range.error());
    const auto mark = out.mark();
    const std::size_t mark_emitted = emitted_index;
    const bool mark_skip = skip;
    const std::size_t lower = prev_index;
    const std::size_t upper = storage_.lower_bound(prev_index, total, range->upper);
    bool partial = false;  // the frame limit cut this range; stop after it

    auto flush_skip = [&] {
      if (!skip) return;
      skip = false;
      out.skip(prev_bound);
      emitted_index = prev_index;
    };

    switch (range->mode) {
      case Mode::skip:
        skip = true;
        break;
      case Mode::fingerprint:
        if (range->fingerprint == storage_.fingerprint(lower, upper)) {
          skip = true;
        } else {
          flush_skip();
          split_range(out, lower, upper, range->upper);
          emitted_index = upper;
        }
        break;
      case Mode::id_list:
        if (initiator) {
          compare_id_lists(*range, lower, upper, *have, *need);
          skip = true;
          break;
        }
        flush_skip();
        {
          // The server answers with its own ids; under a frame limit it sends as many as fit and
          // leaves the rest to the closing fingerprint range.
          std::size_t cut = upper;
          if (config_.frame_size_limit != 0) {
            const std::size_t budget = config_.frame_size_limit - kFrameHeadroom;
            const std::size_t used = out.size() + kMaxIdListHeader;
            const std::size_t fit = used < budget ? (budget - used) / kIdSize : 0;
            if (upper - lower > fit) {
              cut = lower + fit;
              partial = true;
            }
          }
          if (partial && cut == lower) break;  // no id fits: only the closing fingerprint goes out
          const Bound bound =
              partial ? minimal_bound(storage_.item(cut - 1), storage_.item(cut)) : range->upper;
          out.id_list(bound, cut - lower);
          for (std::size_t i = lower; i < cut; ++i) out.id(storage_.item(i).id);
          emitted_index = cut;
        }
        break;
    }

    if (exceeds_frame(out.size())) {
      // This range's answer does not fit: undo it, but keep the Skip over the ranges before it
      // so the peer need not check them again (the headroom leaves room for both).
      out.rollback(mark);
      emitted_index = mark_emitted;
      if (mark_skip) {
        out.skip(prev_bound);
        emitted_index = lower;
      }
      partial = true;
    }
    if (partial) {
      // Everything from the last bound written onward goes back as one fingerprint; the peer
      // will split it in the next round.
      out.fingerprint(Bound::infinity(), storage_.fingerprint(emitted_index, total));
      break;
    }
    prev_index = upper;
    prev_bound = range->upper;
  }
  return out.take();
}

Bytes NegentropyClient::initiate() {
  if (initiated_) throw std::logic_error("negentropy: initiate() called twice");
  initiated_ = true;
  MessageWriter out;
  split_range(out, 0, storage_.size(), Bound::infinity());
  return out.take();
}

Result<ClientRound> NegentropyClient::reconcile(ByteView message) {
  if (!initiated_) throw std::logic_error("negentropy: reconcile() before initiate()");
  ClientRound round;
  auto out = reconcile_message(message, true, &round.have_ids, &round.need_ids);
  if (!out) return fail(out.error());
  // A lone version byte means every range matched or was resolved: nothing left to ask.
  if (out->size() > 1) round.next = std::move(*out);
  return round;
}

Result<Bytes> NegentropyServer::reconcile(ByteView message) {
  return reconcile_message(message, false, nullptr, nullptr);
}

}  // namespace meshchat::chat::sync
