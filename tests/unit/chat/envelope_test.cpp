// Chat envelopes: round trips, canonical decoding, signature and author checks, limits, and a
// RapidCheck round-trip property.
#include "chat/envelope.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/protobuf.hpp"
#include "crypto/hash.hpp"

namespace meshchat::chat {
namespace {

namespace field = envelope_field;
using crypto::PeerId;
using crypto::PrivateKey;

PrivateKey key_from(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return PrivateKey::ed25519_from_seed(seed);
}

const PrivateKey& alice() {
  static const PrivateKey key = key_from(0xa1);
  return key;
}
const PrivateKey& bob() {
  static const PrivateKey key = key_from(0xb0);
  return key;
}

ConversationId conversation_of(std::uint8_t fill) {
  ConversationId id;
  id.fill(fill);
  return id;
}

MessageId id_of(std::uint8_t fill) {
  MessageId id;
  id.fill(fill);
  return id;
}

Envelope make_text(std::string_view text, HlcTimestamp ts = {1700000000000, 3},
                   std::vector<MessageId> parents = {}) {
  auto e = Envelope::create(alice(), conversation_of(7), ts, std::move(parents), ContentType::text,
                            Envelope::text_body(text));
  EXPECT_TRUE(e) << e.error().message();
  return std::move(*e);
}

// Hand-built envelopes, to reach inputs create() would never produce. Fields as on the wire,
// signed by `signer` over exactly the bytes given.
struct Raw {
  Bytes author = PeerId::from_public_key(alice().public_key()).bytes();
  Bytes conversation = Bytes(32, 7);
  std::uint64_t wall_ms = 1700000000000;
  std::uint64_t counter = 0;
  std::vector<Bytes> parents;
  std::uint64_t type = 1;
  Bytes body = to_bytes("hi");

  Bytes unsigned_fields() const {
    protobuf::Writer w;
    w.bytes_field(field::kAuthor, author);
    w.bytes_field(field::kConversation, conversation);
    w.varint_field(field::kWallMs, wall_ms);
    w.varint_field(field::kCounter, counter);
    for (const Bytes& p : parents) w.bytes_field(field::kParents, p);
    w.varint_field(field::kContentType, type);
    w.bytes_field(field::kBody, body);
    return w.take();
  }
};

Bytes sign_raw(const PrivateKey& signer, Bytes unsigned_fields) {
  Bytes input = to_bytes(kSigningDomain);
  append(input, unsigned_fields);
  protobuf::Writer sig;
  sig.bytes_field(field::kSignature, signer.sign(input));
  append(unsigned_fields, sig.bytes());
  return unsigned_fields;
}

Bytes sign_raw(const Raw& raw) {
  return sign_raw(alice(), raw.unsigned_fields());
}

std::error_code decode_error(ByteView bytes) {
  auto e = Envelope::decode(bytes);
  return e ? std::error_code{} : e.error();
}

TEST(Envelope, ConstantsPinned) {
  EXPECT_EQ(kSigningDomain, "meshchat-envelope-v1:");
  EXPECT_EQ(kMaxTextBytes, 65536u);
  EXPECT_EQ(kMaxParents, 16u);
  EXPECT_EQ(kMaxEnvelopeBytes, 67584u);
  EXPECT_EQ(static_cast<int>(ContentType::text), 1);
  EXPECT_EQ(static_cast<int>(ContentType::edit), 2);
  EXPECT_EQ(static_cast<int>(ContentType::deletion), 3);
}

TEST(Envelope, TextRoundTrip) {
  Envelope e = make_text("hello, world", {1700000000000, 3}, {id_of(2), id_of(1)});
  EXPECT_EQ(e.author(), PeerId::from_public_key(alice().public_key()));
  EXPECT_EQ(e.conversation(), conversation_of(7));
  EXPECT_EQ(e.timestamp(), (HlcTimestamp{1700000000000, 3}));
  EXPECT_EQ(e.parents(), (std::vector<MessageId>{id_of(1), id_of(2)}));  // sorted
  EXPECT_EQ(e.content_type(), ContentType::text);
  EXPECT_EQ(e.text(), "hello, world");
  EXPECT_EQ(e.target(), std::nullopt);
  EXPECT_EQ(e.signature().size(), crypto::kEd25519SignatureSize);
  EXPECT_EQ(e.id(), crypto::sha256(e.encode()));

  auto d = Envelope::decode(e.encode());
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*d, e);
  EXPECT_EQ(d->id(), e.id());
  EXPECT_EQ(d->author(), e.author());
  EXPECT_EQ(d->parents(), e.parents());
  EXPECT_EQ(d->timestamp(), e.timestamp());
  EXPECT_EQ(d->text(), "hello, world");
  EXPECT_EQ(d->encode(), e.encode());
}

TEST(Envelope, EncodingLayoutPinned) {
  Envelope e = make_text("hi", {1, 2});
  Bytes author = e.author().bytes();
  ASSERT_EQ(author.size(), 38u);  // identity multihash of a 36-byte Ed25519 key protobuf
  Bytes expected = {0x0a, 38};
  append(expected, author);
  expected.insert(expected.end(), {0x12, 32});
  expected.insert(expected.end(), 32, 7);
  expected.insert(expected.end(), {0x18, 1, 0x20, 2, 0x30, 1, 0x3a, 2, 'h', 'i', 0x42, 64});
  append(expected, e.signature());
  EXPECT_EQ(e.encode(), expected);
  // The signature covers the domain and every byte before the signature field.
  Bytes signed_bytes = to_bytes(kSigningDomain);
  signed_bytes.insert(signed_bytes.end(), expected.begin(), expected.end() - 66);
  EXPECT_TRUE(alice().public_key().verify(signed_bytes, e.signature()));
}

TEST(Envelope, DeterministicIds) {
  // Ed25519 signing is deterministic, so equal fields give equal envelopes and ids.
  EXPECT_EQ(make_text("same").id(), make_text("same").id());
  EXPECT_NE(make_text("same").id(), make_text("other").id());
  EXPECT_NE(make_text("same", {1, 0}).id(), make_text("same", {1, 1}).id());
}

TEST(Envelope, EditAndDeletionTargets) {
  MessageId target = make_text("typo").id();
  auto edit = Envelope::create(alice(), conversation_of(7), {2, 0}, {target}, ContentType::edit,
                               Envelope::edit_body(target, "fixed"));
  ASSERT_TRUE(edit);
  auto edit_back = Envelope::decode(edit->encode());
  ASSERT_TRUE(edit_back);
  EXPECT_EQ(edit_back->content_type(), ContentType::edit);
  EXPECT_EQ(edit_back->target(), target);
  EXPECT_EQ(edit_back->text(), "fixed");

  auto del = Envelope::create(alice(), conversation_of(7), {3, 0}, {}, ContentType::deletion,
                              Envelope::deletion_body(target));
  ASSERT_TRUE(del);
  auto del_back = Envelope::decode(del->encode());
  ASSERT_TRUE(del_back);
  EXPECT_EQ(del_back->target(), target);
  EXPECT_EQ(del_back->text(), "");
}

TEST(Envelope, EditAndDeletionNeedTargets) {
  auto create = [](ContentType type, Bytes body) {
    return Envelope::create(alice(), conversation_of(7), {1, 0}, {}, type, body);
  };
  EXPECT_EQ(create(ContentType::deletion, Bytes(31, 1)).error(), Error::bad_body);
  EXPECT_EQ(create(ContentType::deletion, Bytes(33, 1)).error(), Error::bad_body);
  EXPECT_EQ(create(ContentType::edit, Bytes(31, 1)).error(), Error::bad_body);
  EXPECT_TRUE(create(ContentType::edit, Bytes(32, 1)));  // an edit to empty text

  Raw raw;
  raw.type = 3;
  raw.body = Bytes(31, 1);
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_body);
}

TEST(Envelope, TextMustBeUtf8) {
  auto create = [](std::string_view text) {
    return Envelope::create(alice(), conversation_of(7), {1, 0}, {}, ContentType::text,
                            Envelope::text_body(text));
  };
  EXPECT_TRUE(create("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_EQ(create("\xff").error(), Error::bad_body);
  EXPECT_EQ(create("\xc0\xaf").error(), Error::bad_body);          // overlong '/'
  EXPECT_EQ(create("\xed\xa0\x80").error(), Error::bad_body);      // surrogate
  EXPECT_EQ(create("\xf4\x90\x80\x80").error(), Error::bad_body);  // above U+10FFFF
  EXPECT_EQ(create("\xe2\x82").error(), Error::bad_body);          // truncated
}

TEST(Envelope, TextSizeLimit) {
  std::string max(kMaxTextBytes, 'a');
  EXPECT_TRUE(Envelope::create(alice(), conversation_of(7), {1, 0}, {}, ContentType::text,
                               Envelope::text_body(max)));
  std::string over(kMaxTextBytes + 1, 'a');
  EXPECT_EQ(Envelope::create(alice(), conversation_of(7), {1, 0}, {}, ContentType::text,
                             Envelope::text_body(over))
                .error(),
            Error::too_large);
  EXPECT_EQ(Envelope::create(alice(), conversation_of(7), {1, 0}, {}, ContentType::edit,
                             Envelope::edit_body(id_of(1), over))
                .error(),
            Error::too_large);
  Raw raw;
  raw.body = to_bytes(over);
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::too_large);
}

TEST(Envelope, LargestEnvelopeFitsLimit) {
  std::vector<MessageId> parents;
  for (std::uint8_t i = 0; i < kMaxParents; ++i) parents.push_back(id_of(i));
  auto e = Envelope::create(alice(), conversation_of(7), {kMaxWallMs, 0xffffffff}, parents,
                            ContentType::edit,
                            Envelope::edit_body(id_of(9), std::string(kMaxTextBytes, 'x')));
  ASSERT_TRUE(e);
  EXPECT_LE(e->encode().size(), kMaxEnvelopeBytes);
  EXPECT_TRUE(Envelope::decode(e->encode()));
}

TEST(Envelope, OversizedInputRefusedUnread) {
  EXPECT_EQ(decode_error(Bytes(kMaxEnvelopeBytes + 1, 0)), Error::too_large);
}

TEST(Envelope, ParentsLimitAndOrder) {
  std::vector<MessageId> parents;
  for (std::uint8_t i = 0; i <= kMaxParents; ++i) parents.push_back(id_of(i));
  EXPECT_EQ(Envelope::create(alice(), conversation_of(7), {1, 0}, parents, ContentType::text,
                             Envelope::text_body("x"))
                .error(),
            Error::too_many_parents);
  // Repeats collapse, so this is within the limit.
  parents.assign(kMaxParents + 5, id_of(4));
  auto e = Envelope::create(alice(), conversation_of(7), {1, 0}, parents, ContentType::text,
                            Envelope::text_body("x"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->parents().size(), 1u);

  Raw raw;
  for (std::uint8_t i = 0; i <= kMaxParents; ++i) raw.parents.push_back(Bytes(32, i));
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::too_many_parents);
  raw.parents = {Bytes(32, 2), Bytes(32, 1)};
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_parents);
  raw.parents = {Bytes(32, 1), Bytes(32, 1)};
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_parents);
  raw.parents = {Bytes(31, 1)};
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::malformed);
  raw.parents = {Bytes(32, 1), Bytes(32, 2)};
  EXPECT_TRUE(Envelope::decode(sign_raw(raw)));
}

TEST(Envelope, ContentTypes) {
  auto create = [](std::uint32_t type) {
    return Envelope::create(alice(), conversation_of(7), {1, 0}, {}, ContentType{type},
                            to_bytes("opaque"));
  };
  EXPECT_EQ(create(0).error(), Error::bad_content_type);
  EXPECT_EQ(create(kMaxReservedContentType + 1).error(), Error::bad_content_type);
  auto reserved = create(kMaxReservedContentType);
  ASSERT_TRUE(reserved);
  auto back = Envelope::decode(reserved->encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(static_cast<std::uint32_t>(back->content_type()), kMaxReservedContentType);
  EXPECT_EQ(back->body(), to_bytes("opaque"));
  EXPECT_EQ(back->text(), "");
  EXPECT_EQ(back->target(), std::nullopt);

  Raw raw;
  raw.type = std::uint64_t{1} << 32 | 1;  // must not wrap to text
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_content_type);
}

TEST(Envelope, TimestampLimits) {
  EXPECT_EQ(Envelope::create(alice(), conversation_of(7), {kMaxWallMs + 1, 0}, {},
                             ContentType::text, Envelope::text_body("x"))
                .error(),
            Error::bad_timestamp);
  Raw raw;
  raw.wall_ms = kMaxWallMs + 1;
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_timestamp);
  raw.wall_ms = 1;
  raw.counter = std::uint64_t{1} << 32;
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::bad_timestamp);
}

TEST(Envelope, EveryTamperedByteIsRefused) {
  Envelope e = make_text("tamper with me", {1700000000000, 3}, {id_of(1)});
  const Bytes& good = e.encode();
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (std::uint8_t flip : {0x01, 0x80}) {
      Bytes bad = good;
      bad[i] ^= flip;
      EXPECT_FALSE(Envelope::decode(bad)) << "byte " << i << " flip " << int(flip);
    }
  }
}

TEST(Envelope, TamperedFieldValuesFailSignature) {
  Raw base;
  Bytes good = sign_raw(base);
  ASSERT_TRUE(Envelope::decode(good));
  // Re-sign nothing: keep the original signature and change one field at a time.
  Bytes sig(good.end() - 64, good.end());
  auto with_sig = [&](const Raw& raw) {
    Bytes out = raw.unsigned_fields();
    protobuf::Writer w;
    w.bytes_field(field::kSignature, sig);
    append(out, w.bytes());
    return out;
  };
  EXPECT_TRUE(Envelope::decode(with_sig(base)));
  std::vector<Raw> variants(6, base);
  variants[0].conversation[31] ^= 1;
  variants[1].wall_ms += 1;
  variants[2].counter += 1;
  variants[3].parents = {Bytes(32, 1)};
  variants[4].type = 2, variants[4].body = Bytes(32, 1);
  variants[5].body = to_bytes("ho");
  for (const Raw& raw : variants) {
    EXPECT_EQ(decode_error(with_sig(raw)), Error::bad_signature);
  }
  Raw bob_author = base;
  bob_author.author = PeerId::from_public_key(bob().public_key()).bytes();
  EXPECT_EQ(decode_error(with_sig(bob_author)), Error::bad_signature);
}

TEST(Envelope, ForgedAuthorRefused) {
  // Signed by Alice, claiming Bob.
  Raw raw;
  raw.author = PeerId::from_public_key(bob().public_key()).bytes();
  EXPECT_EQ(decode_error(sign_raw(alice(), raw.unsigned_fields())), Error::bad_signature);
  EXPECT_TRUE(Envelope::decode(sign_raw(bob(), raw.unsigned_fields())));
}

TEST(Envelope, SignatureWithoutDomainRefused) {
  Raw raw;
  Bytes fields = raw.unsigned_fields();
  protobuf::Writer w;
  w.bytes_field(field::kSignature, alice().sign(fields));
  append(fields, w.bytes());
  EXPECT_EQ(decode_error(fields), Error::bad_signature);
}

TEST(Envelope, NonEd25519AuthorsRefused) {
  auto secp = PrivateKey::generate(crypto::KeyType::secp256k1);
  EXPECT_EQ(Envelope::create(secp, conversation_of(7), {1, 0}, {}, ContentType::text,
                             Envelope::text_body("x"))
                .error(),
            Error::unsupported_author);
  Raw raw;
  raw.author = PeerId::from_public_key(secp.public_key()).bytes();
  EXPECT_EQ(decode_error(sign_raw(secp, raw.unsigned_fields())), Error::unsupported_author);
  // A hashed PeerId does not carry its key.
  raw.author = {0x12, 0x20};
  raw.author.insert(raw.author.end(), 32, 0x55);
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::unsupported_author);
  raw.author = to_bytes("not a peer id");
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::malformed);
}

TEST(Envelope, NonCanonicalEncodingsRefused) {
  Raw raw;
  Bytes fields = raw.unsigned_fields();
  Bytes canonical = sign_raw(raw);
  ASSERT_TRUE(Envelope::decode(canonical));

  // Non-minimal varint for the counter (0 as 0x80 0x00), validly signed.
  protobuf::Writer before;
  before.bytes_field(field::kAuthor, raw.author);
  before.bytes_field(field::kConversation, raw.conversation);
  before.varint_field(field::kWallMs, raw.wall_ms);
  Bytes padded = before.take();
  padded.insert(padded.end(), {0x20, 0x80, 0x00});
  protobuf::Writer after;
  after.varint_field(field::kContentType, raw.type);
  after.bytes_field(field::kBody, raw.body);
  append(padded, after.bytes());
  EXPECT_EQ(decode_error(sign_raw(alice(), padded)), Error::non_canonical);

  // A field repeated (the last value wins in protobuf, so it decodes to the same fields).
  Bytes repeated = fields;
  protobuf::Writer extra;
  extra.bytes_field(field::kBody, raw.body);
  append(repeated, extra.bytes());
  EXPECT_EQ(decode_error(sign_raw(alice(), repeated)), Error::non_canonical);

  // Signature before the body.
  protobuf::Writer reordered;
  Bytes sig(canonical.end() - 64, canonical.end());
  Bytes head(fields.begin(), fields.end() - 4);  // without the body field 0x3a 2 'h' 'i'
  reordered.bytes_field(field::kSignature, sig);
  reordered.bytes_field(field::kBody, raw.body);
  append(head, reordered.bytes());
  EXPECT_EQ(decode_error(head), Error::non_canonical);
}

TEST(Envelope, MalformedInputsRefused) {
  Raw raw;
  Bytes fields = raw.unsigned_fields();
  protobuf::Writer unknown;
  unknown.varint_field(9, 1);
  Bytes with_unknown = fields;
  append(with_unknown, unknown.bytes());
  EXPECT_EQ(decode_error(sign_raw(alice(), with_unknown)), Error::malformed);

  EXPECT_EQ(decode_error(fields), Error::malformed);  // no signature
  EXPECT_EQ(decode_error({}), Error::malformed);
  EXPECT_EQ(decode_error(Bytes{0x0a, 5, 1}), Error::malformed);  // truncated

  raw.conversation = Bytes(31, 7);
  EXPECT_EQ(decode_error(sign_raw(raw)), Error::malformed);

  protobuf::Writer wrong_type;  // conversation as a varint
  wrong_type.bytes_field(field::kAuthor, raw.author);
  wrong_type.varint_field(field::kConversation, 7);
  EXPECT_EQ(decode_error(wrong_type.bytes()), Error::malformed);
}

TEST(Envelope, ConversationOrder) {
  Envelope early = make_text("a", {5, 0});
  Envelope late = make_text("b", {5, 1});
  EXPECT_EQ(conversation_order(early, late), std::strong_ordering::less);
  EXPECT_EQ(conversation_order(late, early), std::strong_ordering::greater);
  Envelope x = make_text("x", {6, 0});
  Envelope y = make_text("y", {6, 0});
  EXPECT_EQ(conversation_order(x, y) < 0, x.id() < y.id());
  EXPECT_EQ(conversation_order(x, x), std::strong_ordering::equal);
}

rc::Gen<std::string> utf8_text() {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(
          rc::gen::oneOf(rc::gen::map(rc::gen::inRange<int>(0, 0x80),
                                      [](int c) { return std::string(1, static_cast<char>(c)); }),
                         rc::gen::elementOf(std::vector<std::string>{
                             "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"}))),
      [](const std::vector<std::string>& parts) {
        std::string out;
        for (const auto& p : parts) out += p;
        return out;
      });
}

RC_GTEST_PROP(Envelope, CreateDecodeRoundTrip, ()) {
  auto conversation = *rc::gen::arbitrary<ConversationId>();
  HlcTimestamp ts{*rc::gen::inRange<std::uint64_t>(0, kMaxWallMs + 1),
                  *rc::gen::arbitrary<std::uint32_t>()};
  auto parents = *rc::gen::resize(
      kMaxParents, rc::gen::container<std::vector<MessageId>>(rc::gen::arbitrary<MessageId>()));
  auto text = *utf8_text();
  auto target = *rc::gen::arbitrary<MessageId>();
  auto type = *rc::gen::elementOf(
      std::vector<ContentType>{ContentType::text, ContentType::edit, ContentType::deletion});
  Bytes body = type == ContentType::text   ? Envelope::text_body(text)
               : type == ContentType::edit ? Envelope::edit_body(target, text)
                                           : Envelope::deletion_body(target);
  auto e = Envelope::create(alice(), conversation, ts, parents, type, body);
  RC_ASSERT(e.has_value());
  auto d = Envelope::decode(e->encode());
  RC_ASSERT(d.has_value());
  RC_ASSERT(*d == *e);
  RC_ASSERT(d->id() == e->id());
  RC_ASSERT(d->id() == crypto::sha256(d->encode()));
  RC_ASSERT(d->conversation() == conversation);
  RC_ASSERT(d->timestamp() == ts);
  std::sort(parents.begin(), parents.end());
  parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
  RC_ASSERT(d->parents() == parents);
  RC_ASSERT(d->content_type() == type);
  RC_ASSERT(d->body() == body);
  if (type != ContentType::deletion) RC_ASSERT(d->text() == text);
  if (type != ContentType::text) RC_ASSERT(d->target() == target);
}

}  // namespace
}  // namespace meshchat::chat
