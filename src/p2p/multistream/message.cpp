#include "p2p/multistream/message.hpp"

#include <utility>

#include "core/varint.hpp"

namespace meshchat::p2p::multistream {

bool is_valid_protocol_id(std::string_view id) {
  return !id.empty() && id.size() + 1 <= kMaxMessageBytes &&
         id.find('\n') == std::string_view::npos;
}

void encode_message(std::string_view text, Bytes& out) {
  varint::encode(text.size() + 1, out);
  append(out, as_bytes(text));
  out.push_back('\n');
}

Bytes encode_message(std::string_view text) {
  Bytes out;
  encode_message(text, out);
  return out;
}

Result<std::optional<std::string>> MessageReader::next() {
  auto prefix = varint::decode(buffer_);
  if (!prefix) {
    if (prefix.error() == varint::Error::truncated) return std::optional<std::string>{};
    return fail(Error::bad_length);
  }
  // Checked before waiting for the body so that a huge prefix fails at once.
  if (prefix->value > kMaxMessageBytes) return fail(Error::message_too_long);
  if (prefix->value == 0) return fail(Error::missing_newline);
  auto length = static_cast<std::size_t>(prefix->value);
  if (buffer_.size() - prefix->size < length) return std::optional<std::string>{};
  auto body = ByteView(buffer_).subspan(prefix->size, length);
  if (body.back() != '\n') return fail(Error::missing_newline);
  std::string text(as_string(body.first(length - 1)));
  buffer_.erase(buffer_.begin(),
                buffer_.begin() + static_cast<std::ptrdiff_t>(prefix->size + length));
  return std::optional<std::string>(std::move(text));
}

Bytes MessageReader::take_rest() {
  return std::exchange(buffer_, Bytes{});
}

}  // namespace meshchat::p2p::multistream
