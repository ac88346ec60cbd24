#include "core/cid.hpp"

#include "core/varint.hpp"

namespace meshchat {

namespace cid {
namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::unsupported_version:
      return "CID version not supported (only CIDv1)";
    case Error::truncated:
      return "CID truncated";
    case Error::bad_varint:
      return "CID varint malformed";
  }
  return "unknown CID error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "cid", describe)
}  // namespace cid

namespace {

Result<varint::Decoded> read_varint(ByteView in) {
  auto v = varint::decode(in);
  if (!v) {
    return fail(v.error() == varint::Error::truncated ? cid::Error::truncated
                                                      : cid::Error::bad_varint);
  }
  return v;
}

}  // namespace

Result<Cid> Cid::from_bytes(ByteView bytes) {
  auto version = read_varint(bytes);
  if (!version) return fail(version.error());
  // A CIDv0 is a bare sha2-256 multihash, so its first byte is 0x12 and "reads" as version 18.
  if (version->value != cid::kVersion1) return fail(cid::Error::unsupported_version);
  bytes = bytes.subspan(version->size);
  auto codec = read_varint(bytes);
  if (!codec) return fail(codec.error());
  auto hash = Multihash::from_bytes(bytes.subspan(codec->size));
  if (!hash) return fail(hash.error());
  return Cid(codec->value, std::move(*hash));
}

Result<Cid> Cid::parse(std::string_view text) {
  auto decoded = multibase::decode(text);
  if (!decoded) return fail(decoded.error());
  return from_bytes(decoded->data);
}

Bytes Cid::bytes() const {
  Bytes out;
  varint::encode(cid::kVersion1, out);
  varint::encode(codec_, out);
  append(out, hash_.bytes());
  return out;
}

std::string Cid::to_string(multibase::Base base) const {
  return multibase::encode(base, bytes());
}

}  // namespace meshchat
