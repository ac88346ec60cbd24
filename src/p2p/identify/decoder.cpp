#include "p2p/identify/decoder.hpp"

#include <algorithm>
#include <utility>

#include "core/varint.hpp"

namespace meshchat::p2p::identify {

Result<void> Decoder::fail_with(std::error_code e) {
  error_ = e;
  return fail(e);
}

Result<void> Decoder::complete_message() {
  auto part = decode_body(body_);
  if (!part) return fail_with(part.error());
  merge_part(merged_, std::move(*part));
  if (auto r = check_counts(merged_); !r) return fail_with(r.error());
  ++messages_;
  length_.reset();
  body_.clear();
  return {};
}

Result<void> Decoder::feed(ByteView in) {
  if (error_) return fail(error_);
  while (!in.empty()) {
    if (!length_) {
      if (messages_ == kMaxMessages) return fail_with(Error::too_many_messages);
      // Byte by byte, so that nothing past the prefix is consumed before its length is known.
      prefix_.push_back(in.front());
      in = in.subspan(1);
      auto prefix = varint::decode(prefix_);
      if (!prefix) {
        if (prefix.error() == varint::Error::truncated) continue;
        return fail_with(Error::bad_length);
      }
      if (prefix->value > kMaxMessageBytes) return fail_with(Error::message_too_large);
      length_ = static_cast<std::size_t>(prefix->value);
      prefix_.clear();
      body_.reserve(*length_);
    } else {
      std::size_t take = std::min(in.size(), *length_ - body_.size());
      append(body_, in.first(take));
      in = in.subspan(take);
    }
    if (length_ && body_.size() == *length_) {
      if (auto r = complete_message(); !r) return r;
    }
  }
  return {};
}

Result<Identify> Decoder::finish() {
  if (error_) return fail(error_);
  if (length_ || !prefix_.empty()) return fail(Error::truncated);
  if (messages_ == 0) return fail(Error::no_message);
  return std::exchange(merged_, Identify{});
}

}  // namespace meshchat::p2p::identify
