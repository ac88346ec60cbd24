// Protobuf field helpers shared by the p2pd control codecs (control.cpp, dht_control.cpp):
// wire-type checks, singular/repeated/sub-message fields with the list limit, PeerInfo.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/protobuf.hpp"
#include "p2pd/control.hpp"

namespace meshchat::p2pd::fields {

using protobuf::Field;
using protobuf::WireType;

// proto3 fields without `optional` are written only when not empty, as protons and protoc do.
inline void put_bytes(protobuf::Writer& w, std::uint32_t number, ByteView value) {
  if (!value.empty()) w.bytes_field(number, value);
}

inline Result<void> expect(const Field& f, WireType type) {
  if (f.type != type) return fail(protobuf::Error::wrong_wire_type);
  return {};
}

inline Result<Bytes> take_bytes(const Field& f) {
  if (auto r = expect(f, WireType::length_delimited); !r) return fail(r.error());
  return Bytes(f.bytes.begin(), f.bytes.end());
}

template <class T>
Result<void> push_item(std::vector<T>& list, T item) {
  if (list.size() >= kMaxListItems) return fail(Error::too_many_items);
  list.push_back(std::move(item));
  return {};
}

inline Result<void> add_bytes(std::vector<Bytes>& list, const Field& f) {
  auto value = take_bytes(f);
  if (!value) return fail(value.error());
  return push_item(list, std::move(*value));
}

inline Result<void> add_string(std::vector<std::string>& list, const Field& f) {
  if (auto r = expect(f, WireType::length_delimited); !r) return fail(r.error());
  return push_item(list, std::string(as_string(f.bytes)));
}

inline Result<std::int64_t> take_int64(const Field& f) {
  if (auto r = expect(f, WireType::varint); !r) return fail(r.error());
  return static_cast<std::int64_t>(f.varint);  // int64 travels as two's complement
}

// Stores a singular field (Bytes or std::optional<Bytes>); a repeated occurrence replaces the
// earlier value (protobuf rules).
template <class Out>
Result<void> set_bytes(Out& out, const Field& f) {
  auto value = take_bytes(f);
  if (!value) return fail(value.error());
  out = std::move(*value);
  return {};
}

template <class T>
Result<void> set_int64(T& out, const Field& f) {
  auto value = take_int64(f);
  if (!value) return fail(value.error());
  out = *value;
  return {};
}

// An enum field whose values run from 0 to `last`.
inline Result<std::uint32_t> take_type(const Field& f, std::uint32_t last) {
  if (auto r = expect(f, WireType::varint); !r) return fail(r.error());
  if (f.varint > last) return fail(Error::unknown_type);
  return static_cast<std::uint32_t>(f.varint);
}

// Calls on_field for every field; unknown fields are the callback's to skip.
template <class OnField>
Result<void> for_each_field(ByteView body, OnField on_field) {
  protobuf::Reader reader(body);
  for (;;) {
    auto next = reader.next();
    if (!next) return fail(next.error());
    if (!*next) return {};
    if (auto r = on_field(**next); !r) return r;
  }
}

// Decodes a sub-message field into `out` with `decode`.
template <class T, class Decode>
Result<void> sub_message(std::optional<T>& out, const Field& f, Decode decode) {
  if (auto r = expect(f, WireType::length_delimited); !r) return r;
  auto v = decode(f.bytes);
  if (!v) return fail(v.error());
  out = std::move(*v);
  return {};
}

// IdentifyResponse and PeerInfo share their shape: bytes id = 1; repeated bytes addrs = 2.
template <class T>
Result<T> decode_id_addrs(ByteView body) {
  T m;
  auto r = for_each_field(body, [&](const Field& f) -> Result<void> {
    switch (f.number) {
      case 1:
        return set_bytes(m.id, f);
      case 2:
        return add_bytes(m.addrs, f);
      default:
        return {};
    }
  });
  if (!r) return fail(r.error());
  return m;
}

template <class T>
Bytes encode_id_addrs(const T& m) {
  protobuf::Writer w;
  put_bytes(w, 1, m.id);
  for (const auto& addr : m.addrs) w.bytes_field(2, addr);
  return w.take();
}

}  // namespace meshchat::p2pd::fields
