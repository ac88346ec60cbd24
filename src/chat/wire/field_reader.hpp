// Strict protobuf field reading shared by the chat wire codecs: every field visited in wire
// order, any protobuf error (and a repeated singular field) reported as WireError::malformed.
#pragma once

#include "chat/wire/error.hpp"
#include "core/protobuf.hpp"
#include "core/result.hpp"

namespace meshchat::chat::wire::detail {

// Calls `on_field` for each field of `message` in wire order; any protobuf error is malformed.
template <class OnField>
Result<void> read_fields(ByteView message, OnField on_field) {
  protobuf::Reader reader(message);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(WireError::malformed);
    if (!*next) return {};
    if (auto r = on_field(**next); !r) return r;
  }
}

// A field that may appear once, of the given wire type.
inline Result<void> accept_once(const protobuf::Field& f, protobuf::WireType type, bool& seen) {
  if (f.type != type || seen) return fail(WireError::malformed);
  seen = true;
  return {};
}

}  // namespace meshchat::chat::wire::detail
