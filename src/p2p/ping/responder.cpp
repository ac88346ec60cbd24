#include "p2p/ping/responder.hpp"

#include <algorithm>

namespace meshchat::p2p::ping {

Result<void> Responder::feed(ByteView in) {
  if (error_) return fail(error_);
  if (partial_.size() + output_.size() + in.size() > kMaxUnechoedBytes) {
    error_ = Error::flooded;
    return fail(error_);
  }
  while (!in.empty()) {
    std::size_t take = std::min(in.size(), kPayloadSize - partial_.size());
    append(partial_, in.first(take));
    in = in.subspan(take);
    if (partial_.size() == kPayloadSize) {
      append(output_, partial_);
      partial_.clear();
    }
  }
  return {};
}

Result<void> Responder::on_eof() {
  if (error_) return fail(error_);
  if (!partial_.empty()) return fail(Error::truncated);
  return {};
}

}  // namespace meshchat::p2p::ping
