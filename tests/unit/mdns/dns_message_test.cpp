#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>
#include <string>

#include "p2p/mdns/dns_message.hpp"

namespace meshchat::p2p::mdns {
namespace {

std::error_code err(Error e) {
  return make_error_code(e);
}

Bytes bytes_of(std::string_view hex) {
  auto bytes = from_hex(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or(Bytes{});
}

// The error of a result, or no error: a test expecting one fails instead of crashing.
template <class T>
std::error_code failure(const Result<T>& result) {
  return result ? std::error_code() : result.error();
}

std::string hex_of(std::string_view text) {
  return to_hex(as_bytes(text));
}

// A 16-bit field in network order, as hex.
std::string u16_hex(std::size_t value) {
  return to_hex(Bytes{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)});
}

std::uint16_t type_of(RecordType type) {
  return static_cast<std::uint16_t>(type);
}

// Header with id 0 and no flags, then the four counts (RFC 1035 §4.1.1).
std::string header(std::size_t questions, std::size_t answers, std::size_t authorities,
                   std::size_t additionals) {
  return "0000" + std::string("0000") + u16_hex(questions) + u16_hex(answers) +
         u16_hex(authorities) + u16_hex(additionals);
}

// "_p2p._udp.local" in wire form (RFC 1035 §3.1), 17 bytes.
constexpr const char* kServiceWire = "045f703270045f756470056c6f63616c00";

// `_p2p._udp.local PTR`, class IN, as libp2p nodes multicast it.
constexpr const char* kQueryHex =
    "0000"  // id
    "0000"  // flags: standard query
    "0001"  // one question
    "0000"
    "0000"
    "0000"
    "045f703270045f756470056c6f63616c00"  // _p2p._udp.local
    "000c"                                // PTR
    "0001";                               // IN

constexpr std::string_view kPeerName = "k2m9t4w8z6p1n0r4j7h2b5s3xq5c2v8d";  // 32 bytes
constexpr std::string_view kDnsaddr =                                       // 88 bytes
    "dnsaddr=/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

// A libp2p mDNS response (libp2p/specs discovery/mdns.md) with the DNS-SD extras, compressed as
// RFC 1035 §4.1.4 describes; offsets on the left.
std::string response_hex() {
  return std::string(
             "0000"
             "8400"  // QR, AA
             "0000"
             "0001"  // one answer
             "0000"
             "0004") +  // four additionals
         // 12: _p2p._udp.local ("local" at 22) PTR IN, TTL 120, rdlength 35
         kServiceWire +
         "000c" + "0001" + "00000078" + "0023" +
         // 39: <peer-name>, then a pointer to _p2p._udp.local at 12
         "20" + hex_of(kPeerName) + "c00c" +
         // 74: <peer-name>._p2p._udp.local (at 39) TXT, IN + cache-flush, rdlength 89
         "c027" + "0010" + "8001" + "00000078" + "0059" + "58" + hex_of(kDnsaddr) +
         // 175: same owner SRV, rdlength 41: priority 0, weight 0, port 4001,
         // 193: target <peer-name>, then a pointer to "local" at 22
         "c027" + "0021" + "8001" + "00000078" + "0029" + "0000" + "0000" + "0fa1" + "20" +
         hex_of(kPeerName) + "c016" +
         // 228: <peer-name>.local (at 193) A 192.0.2.1
         "c0c1" + "0001" + "8001" + "00000078" + "0004" + "c0000201" +
         // 244: <peer-name>.local AAAA 2001:db8::1
         "c0c1" + "001c" + "8001" + "00000078" + "0010" + "20010db8000000000000000000000001";
}

Name service() {
  return Name{{"_p2p", "_udp", "local"}};
}
Name instance() {
  return Name{{std::string(kPeerName), "_p2p", "_udp", "local"}};
}
Name host() {
  return Name{{std::string(kPeerName), "local"}};
}

DnsMessage query_message() {
  DnsMessage m;
  m.questions.push_back(Question{service(), type_of(RecordType::ptr), kClassIn, false});
  return m;
}

Record record(Name name, RecordType type, bool cache_flush, RecordData data) {
  return Record{std::move(name), type_of(type), kClassIn, cache_flush, 120, std::move(data)};
}

DnsMessage response_message() {
  DnsMessage m;
  m.response = true;
  m.authoritative = true;
  m.answers.push_back(record(service(), RecordType::ptr, false, PtrData{instance()}));
  m.additionals.push_back(
      record(instance(), RecordType::txt, true, TxtData{{std::string(kDnsaddr)}}));
  m.additionals.push_back(record(instance(), RecordType::srv, true, SrvData{0, 0, 4001, host()}));
  m.additionals.push_back(record(host(), RecordType::a, true, AData{{192, 0, 2, 1}}));
  m.additionals.push_back(
      record(host(), RecordType::aaaa, true,
             AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
  return m;
}

std::string label_hex(std::size_t length, char fill) {
  return u16_hex(length).substr(2) + hex_of(std::string(length, fill));
}

// One question for a name given in wire form (hex), type A, class IN.
Result<DnsMessage> decode_question_name(const std::string& name_hex) {
  return decode(bytes_of(header(1, 0, 0, 0) + name_hex + "00010001"));
}

// One record owned by the root name with the given type and rdata (rdlength = its size).
Bytes single_record(std::uint16_t type, const std::string& rdata_hex) {
  return bytes_of(header(0, 1, 0, 0) + "00" + u16_hex(type) + "0001" + "00000078" +
                  u16_hex(rdata_hex.size() / 2) + rdata_hex);
}

// ---------------------------------------------------------------------------------------------
// Byte vectors

TEST(DnsMessage, EncodesLibp2pQueryByteExact) {
  auto encoded = encode(query_message());
  ASSERT_TRUE(encoded);
  EXPECT_EQ(to_hex(*encoded), kQueryHex);
}

TEST(DnsMessage, DecodesLibp2pQuery) {
  auto decoded = decode(bytes_of(kQueryHex));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->id, 0);
  EXPECT_FALSE(decoded->response);
  ASSERT_EQ(decoded->questions.size(), 1u);
  EXPECT_EQ(decoded->questions[0].name.labels, (std::vector<std::string>{"_p2p", "_udp", "local"}));
  EXPECT_EQ(decoded->questions[0].type, 12);
  EXPECT_EQ(decoded->questions[0].klass, 1);
  EXPECT_FALSE(decoded->questions[0].unicast_response);
  EXPECT_TRUE(decoded->answers.empty());
  EXPECT_TRUE(decoded->authorities.empty());
  EXPECT_TRUE(decoded->additionals.empty());
}

TEST(DnsMessage, DecodesCompressedResponseFieldByField) {
  auto decoded = decode(bytes_of(response_hex()));
  ASSERT_TRUE(decoded) << decoded.error().message();
  const DnsMessage& m = *decoded;
  EXPECT_TRUE(m.response);
  EXPECT_TRUE(m.authoritative);
  EXPECT_FALSE(m.truncated);
  EXPECT_EQ(m.opcode, 0);
  EXPECT_EQ(m.rcode, 0);
  EXPECT_TRUE(m.questions.empty());
  ASSERT_EQ(m.answers.size(), 1u);
  ASSERT_EQ(m.additionals.size(), 4u);

  const Record& ptr = m.answers[0];
  EXPECT_EQ(ptr.name.to_string(), "_p2p._udp.local");
  EXPECT_EQ(ptr.type, 12);
  EXPECT_EQ(ptr.klass, 1);
  EXPECT_FALSE(ptr.cache_flush);
  EXPECT_EQ(ptr.ttl, 120u);
  ASSERT_TRUE(std::holds_alternative<PtrData>(ptr.data));
  EXPECT_EQ(std::get<PtrData>(ptr.data).target, instance());

  const Record& txt = m.additionals[0];
  EXPECT_EQ(txt.name, instance());  // through the pointer to offset 39, inside the PTR rdata
  EXPECT_EQ(txt.type, 16);
  EXPECT_EQ(txt.klass, 1);
  EXPECT_TRUE(txt.cache_flush);
  ASSERT_TRUE(std::holds_alternative<TxtData>(txt.data));
  EXPECT_EQ(std::get<TxtData>(txt.data).strings, std::vector<std::string>{std::string(kDnsaddr)});

  const Record& srv = m.additionals[1];
  EXPECT_EQ(srv.name, instance());
  EXPECT_EQ(srv.type, 33);
  ASSERT_TRUE(std::holds_alternative<SrvData>(srv.data));
  EXPECT_EQ(std::get<SrvData>(srv.data).priority, 0);
  EXPECT_EQ(std::get<SrvData>(srv.data).weight, 0);
  EXPECT_EQ(std::get<SrvData>(srv.data).port, 4001);
  EXPECT_EQ(std::get<SrvData>(srv.data).target.to_string(), std::string(kPeerName) + ".local");

  const Record& a = m.additionals[2];
  EXPECT_EQ(a.name, host());  // through a pointer into the SRV rdata
  ASSERT_TRUE(std::holds_alternative<AData>(a.data));
  EXPECT_EQ(std::get<AData>(a.data).address, (std::array<std::uint8_t, 4>{192, 0, 2, 1}));

  const Record& aaaa = m.additionals[3];
  EXPECT_EQ(aaaa.name, host());
  EXPECT_EQ(aaaa.type, 28);
  ASSERT_TRUE(std::holds_alternative<AaaaData>(aaaa.data));
  EXPECT_EQ(to_hex(std::get<AaaaData>(aaaa.data).address), "20010db8000000000000000000000001");

  EXPECT_EQ(m, response_message());
}

TEST(DnsMessage, EncodesResponseWithCompressionPointers) {
  auto encoded = encode(response_message());
  ASSERT_TRUE(encoded);
  EXPECT_EQ(to_hex(*encoded), response_hex());
  EXPECT_EQ(encoded->size(), 272u);
}

TEST(DnsMessage, HeaderFlagsAndClassTopBits) {
  // QR, opcode 15, AA, TC, RD, RA, Z and rcode 15 all set; class 0x8001 on both sides.
  auto decoded = decode(bytes_of(std::string("1234") + "ffff" + "0001" + "0001" + "0000" + "0000" +
                                 "00" + "0001" + "8001" +  // root A, unicast-response
                                 "00" + "0080" + "8001" + "00000000" + "0000"));  // cache-flush
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->id, 0x1234);
  EXPECT_TRUE(decoded->response);
  EXPECT_EQ(decoded->opcode, 15);
  EXPECT_TRUE(decoded->authoritative);
  EXPECT_TRUE(decoded->truncated);
  EXPECT_EQ(decoded->rcode, 15);
  ASSERT_EQ(decoded->questions.size(), 1u);
  EXPECT_TRUE(decoded->questions[0].name.labels.empty());  // the root
  EXPECT_EQ(decoded->questions[0].type, 1);
  EXPECT_EQ(decoded->questions[0].klass, 1);
  EXPECT_TRUE(decoded->questions[0].unicast_response);
  ASSERT_EQ(decoded->answers.size(), 1u);
  EXPECT_EQ(decoded->answers[0].type, 0x80);  // an unknown type: raw rdata
  EXPECT_EQ(decoded->answers[0].klass, 1);
  EXPECT_TRUE(decoded->answers[0].cache_flush);
  EXPECT_EQ(decoded->answers[0].data, RecordData(RawData{}));

  // RD, RA and Z are not kept, so they come back as 0.
  auto encoded = encode(*decoded);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(to_hex(*encoded), std::string("1234") + "fe0f" + "0001" + "0001" + "0000" + "0000" +
                                  "00" + "0001" + "8001" + "00" + "0080" + "8001" + "00000000" +
                                  "0000");
}

TEST(DnsMessage, TrailingBytesAreIgnored) {
  auto decoded = decode(bytes_of(std::string(kQueryHex) + "deadbeef"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, query_message());
}

TEST(DnsMessage, EncoderComparesSuffixesByExactBytes) {
  DnsMessage m;
  m.questions.push_back(Question{service(), 12, kClassIn, false});
  m.questions.push_back(Question{Name::parse("_P2P._udp.local"), 12, kClassIn, true});
  auto encoded = encode(m);
  ASSERT_TRUE(encoded);
  // "_P2P" differs in case, so only "_udp.local" (at 17) is shared.
  EXPECT_EQ(to_hex(*encoded),
            header(2, 0, 0, 0) + kServiceWire + "000c0001" + "045f503250c011" + "000c8001");
  EXPECT_EQ(*decode(*encoded), m);
}

// ---------------------------------------------------------------------------------------------
// Compression pointers

TEST(DnsMessagePointers, BackwardPointerIsFollowed) {
  // Question 1 at 12: a.b; question 2 at 21: c then a pointer to "b" at 14.
  auto decoded =
      decode(bytes_of(header(2, 0, 0, 0) + "0161016200" + "00010001" + "0163c00e" + "00010001"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->questions[1].name, Name::parse("c.b"));
}

TEST(DnsMessagePointers, PointerToItselfIsRejected) {
  EXPECT_EQ(failure(decode_question_name("c00c")), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, PointerToTheStartOfItsOwnNameIsRejected) {
  EXPECT_EQ(failure(decode_question_name("0161c00c")), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, ForwardPointerIsRejected) {
  // Points at the question's own type bytes, after the name.
  EXPECT_EQ(failure(decode_question_name("c00e")), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, PointerPastTheEndIsRejected) {
  EXPECT_EQ(failure(decode_question_name("c0ff")), err(Error::bad_pointer));
  EXPECT_EQ(failure(decode_question_name("ffff")), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, PointerLoopIsRejected) {
  // Record 1 (at 12, root owner, type 99) holds rdata "c019" at 23: a pointer to record 2's
  // name at 25, which points back to 23. The first jump goes backwards, the second cannot.
  auto decoded = decode(bytes_of(header(0, 2, 0, 0) + "00" + "0063000100000000" + "0002" + "c019" +
                                 "c017" + "0063000100000000" + "0000"));
  EXPECT_EQ(failure(decoded), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, PointerCutShortIsTruncated) {
  EXPECT_EQ(failure(decode(bytes_of(header(1, 0, 0, 0) + "c0"))), err(Error::truncated));
}

// Record 1 (root owner, type 99) carries rdata "00" then `links` pointers, each to the one
// before (the first to the "00"); record 2's name points at the last one.
Result<DnsMessage> decode_pointer_chain(std::size_t links) {
  constexpr std::size_t kRdataStart = 12 + 1 + 10;
  std::string rdata = "00";
  for (std::size_t i = 0; i < links; ++i) {
    rdata += u16_hex(0xC000 | (i == 0 ? kRdataStart : kRdataStart + 1 + 2 * (i - 1)));
  }
  const std::string fixed = "0063000100000000" + u16_hex(rdata.size() / 2);
  const std::string last = u16_hex(0xC000 | (kRdataStart + 1 + 2 * (links - 1)));
  return decode(
      bytes_of(header(0, 2, 0, 0) + "00" + fixed + rdata + last + "0063000100000000" + "0000"));
}

TEST(DnsMessagePointers, LongPointerChainsAreCapped) {
  // 127 links take 128 jumps from record 2: the cap; one more link is refused.
  auto within = decode_pointer_chain(127);
  ASSERT_TRUE(within) << within.error().message();
  EXPECT_TRUE(within->answers[1].name.labels.empty());
  EXPECT_EQ(failure(decode_pointer_chain(128)), err(Error::bad_pointer));
  EXPECT_EQ(failure(decode_pointer_chain(4000)), err(Error::bad_pointer));
}

TEST(DnsMessagePointers, ReservedLabelPrefixesAreRejected) {
  EXPECT_EQ(failure(decode_question_name("4000")), err(Error::bad_label));
  EXPECT_EQ(failure(decode_question_name("8000")), err(Error::bad_label));
  EXPECT_EQ(failure(decode_question_name("0161"
                                         "7f")),
            err(Error::bad_label));
}

// ---------------------------------------------------------------------------------------------
// Limits

TEST(DnsMessageLimits, LabelOf63BytesIsTheMost) {
  auto decoded = decode_question_name(label_hex(63, 'x') + "00");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->questions[0].name.labels[0], std::string(63, 'x'));
  // A length byte of 64 has the reserved 0b01 prefix.
  EXPECT_EQ(failure(decode_question_name("40" + hex_of(std::string(64, 'x')) + "00")),
            err(Error::bad_label));

  DnsMessage m;
  m.questions.push_back(Question{Name{{std::string(63, 'x')}}, 1, kClassIn, false});
  EXPECT_TRUE(encode(m));
  m.questions[0].name.labels[0] += 'x';
  EXPECT_EQ(failure(encode(m)), err(Error::name_too_long));
}

TEST(DnsMessageLimits, NameOf255WireBytesIsTheMost) {
  // 64 + 64 + 64 + 62 + the terminating zero = 255.
  const std::string prefix = label_hex(63, 'a') + label_hex(63, 'b') + label_hex(63, 'c');
  auto decoded = decode_question_name(prefix + label_hex(61, 'd') + "00");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->questions[0].name.labels.size(), 4u);
  EXPECT_EQ(failure(decode_question_name(prefix + label_hex(62, 'd') + "00")),
            err(Error::name_too_long));

  DnsMessage m;
  m.questions.push_back(decoded->questions[0]);
  auto encoded = encode(m);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*decode(*encoded), m);
  m.questions[0].name.labels[3] += 'd';
  EXPECT_EQ(failure(encode(m)), err(Error::name_too_long));
}

TEST(DnsMessageLimits, NameLengthCountsLabelsReachedThroughPointers) {
  // Question 1 at 12: three 63-byte labels (193 wire bytes); question 2: one label + pointer.
  const std::string first =
      label_hex(63, 'a') + label_hex(63, 'b') + label_hex(63, 'c') + "00" + "00010001";
  auto fits = decode(bytes_of(header(2, 0, 0, 0) + first + label_hex(61, 'd') + "c00c00010001"));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->questions[1].name.labels.size(), 4u);
  EXPECT_EQ(
      failure(decode(bytes_of(header(2, 0, 0, 0) + first + label_hex(62, 'd') + "c00c00010001"))),
      err(Error::name_too_long));
}

TEST(DnsMessageLimits, EmptyLabelIsRefusedOnEncode) {
  DnsMessage m;
  m.questions.push_back(Question{Name{{"a", "", "local"}}, 1, kClassIn, false});
  EXPECT_EQ(failure(encode(m)), err(Error::name_too_long));
}

TEST(DnsMessageLimits, TooManyRecordsBeforeReadingAny) {
  EXPECT_EQ(failure(decode(bytes_of(header(256, 1, 0, 0)))), err(Error::too_many_records));
  EXPECT_EQ(failure(decode(bytes_of(header(0, 100, 100, 57)))), err(Error::too_many_records));
  EXPECT_EQ(failure(decode(bytes_of(header(0xffff, 0xffff, 0xffff, 0xffff)))),
            err(Error::too_many_records));
  // 256 is allowed: the counts pass, then the empty body runs out.
  EXPECT_EQ(failure(decode(bytes_of(header(256, 0, 0, 0)))), err(Error::truncated));

  DnsMessage m;
  m.questions.assign(200, Question{});
  m.additionals.assign(56, Record{{}, 99, kClassIn, false, 0, RawData{}});
  auto encoded = encode(m);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*decode(*encoded), m);
  m.additionals.push_back(m.additionals.back());
  EXPECT_EQ(failure(encode(m)), err(Error::too_many_records));
}

TEST(DnsMessageLimits, MessageOf9000BytesIsTheMost) {
  // Header 12 + root owner 1 + fixed 10 + rdata 8977 = 9000.
  Bytes message = single_record(99, std::string(2 * 8977, 'a'));
  ASSERT_EQ(message.size(), kMaxMessageBytes);
  auto decoded = decode(message);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<RawData>(decoded->answers[0].data).bytes.size(), 8977u);
  auto encoded = encode(*decoded);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, message);

  message.push_back(0);  // trailing padding still counts towards the limit
  EXPECT_EQ(failure(decode(message)), err(Error::message_too_large));
  EXPECT_EQ(failure(decode(Bytes(100000, 0))), err(Error::message_too_large));

  std::get<RawData>(decoded->answers[0].data).bytes.push_back(0);
  EXPECT_EQ(failure(encode(*decoded)), err(Error::message_too_large));
  std::get<RawData>(decoded->answers[0].data).bytes.resize(70000);  // beyond a 16-bit rdlength
  EXPECT_EQ(failure(encode(*decoded)), err(Error::message_too_large));
}

TEST(DnsMessageLimits, EveryStrictPrefixIsTruncated) {
  for (const Bytes& full : {bytes_of(kQueryHex), bytes_of(response_hex())}) {
    ASSERT_TRUE(decode(full));
    for (std::size_t length = 0; length < full.size(); ++length) {
      auto decoded = decode(ByteView(full).first(length));
      ASSERT_FALSE(decoded) << "prefix of " << length << " bytes";
      EXPECT_EQ(failure(decoded), err(Error::truncated)) << "prefix of " << length << " bytes";
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Typed rdata

TEST(DnsMessageRdata, AddressesMustHaveTheirExactSize) {
  EXPECT_TRUE(decode(single_record(1, "c0000201")));
  EXPECT_EQ(failure(decode(single_record(1, "c000020101"))), err(Error::bad_record));
  EXPECT_EQ(failure(decode(single_record(1, "c00002"))), err(Error::bad_record));
  EXPECT_TRUE(decode(single_record(28, std::string(32, '0'))));
  EXPECT_EQ(failure(decode(single_record(28, std::string(30, '0')))), err(Error::bad_record));
  EXPECT_EQ(failure(decode(single_record(28, std::string(34, '0')))), err(Error::bad_record));
}

TEST(DnsMessageRdata, TxtStringsMustFillTheRdataExactly) {
  EXPECT_EQ(failure(decode(single_record(16, "056162"))), err(Error::bad_record));
  auto empty = decode(single_record(16, ""));
  ASSERT_TRUE(empty);
  EXPECT_EQ(std::get<TxtData>(empty->answers[0].data).strings.size(), 0u);
  auto one_empty_string = decode(single_record(16, "00"));
  ASSERT_TRUE(one_empty_string);
  EXPECT_EQ(std::get<TxtData>(one_empty_string->answers[0].data).strings,
            std::vector<std::string>{""});
  auto two = decode(single_record(16,
                                  "0161"
                                  "026263"));
  ASSERT_TRUE(two);
  EXPECT_EQ(std::get<TxtData>(two->answers[0].data).strings, (std::vector<std::string>{"a", "bc"}));
}

TEST(DnsMessageRdata, PtrNameMustEndAtTheRdataEnd) {
  EXPECT_TRUE(decode(single_record(12, "016100")));
  EXPECT_EQ(failure(decode(single_record(12, "01610000"))), err(Error::bad_record));  // extra byte
  EXPECT_EQ(failure(decode(single_record(12, "0161"))), err(Error::bad_record));  // unterminated
  EXPECT_EQ(failure(decode(single_record(12, ""))), err(Error::bad_record));
  // rdlength 2 while the name goes on for 3 bytes: its end lies beyond the rdata.
  EXPECT_EQ(failure(decode(bytes_of(header(0, 1, 0, 0) + "00" + "000c" + "0001" + "00000078" +
                                    "0002" + "0161" + "00"))),
            err(Error::bad_record));
  EXPECT_EQ(failure(decode(single_record(12, "c0ff"))), err(Error::bad_pointer));
}

TEST(DnsMessageRdata, SrvNeedsItsFixedFieldsAndATarget) {
  auto srv = decode(single_record(33,
                                  "000100020003"
                                  "016100"));
  ASSERT_TRUE(srv);
  EXPECT_EQ(std::get<SrvData>(srv->answers[0].data), (SrvData{1, 2, 3, Name{{"a"}}}));
  EXPECT_EQ(failure(decode(single_record(33, "0001000200"))), err(Error::bad_record));
  EXPECT_EQ(failure(decode(single_record(33, "000100020003"))), err(Error::bad_record));
  EXPECT_EQ(failure(decode(single_record(33,
                                         "000100020003"
                                         "01610000"))),
            err(Error::bad_record));
}

TEST(DnsMessageRdata, RdataBeyondTheMessageIsTruncated) {
  // An A record claiming 5 bytes of rdata where only 4 follow.
  EXPECT_EQ(failure(decode(bytes_of(header(0, 1, 0, 0) + "00" + "0001" + "0001" + "00000078" +
                                    "0005" + "c0000201"))),
            err(Error::truncated));
}

TEST(DnsMessageRdata, OtherTypesKeepTheirBytes) {
  // A CNAME-like name with a pointer stays as it was received.
  auto decoded = decode(single_record(5, "0161c00c"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<RawData>(decoded->answers[0].data).bytes, bytes_of("0161c00c"));
  EXPECT_EQ(to_hex(*encode(*decoded)), to_hex(single_record(5, "0161c00c")));
}

TEST(DnsMessageRdata, EncoderChecksTypeAgainstData) {
  const auto encode_record = [](std::uint16_t type, RecordData data) {
    DnsMessage m;
    m.answers.push_back(Record{Name{{"a"}}, type, kClassIn, false, 0, std::move(data)});
    return encode(m);
  };
  EXPECT_TRUE(encode_record(12, PtrData{}));
  EXPECT_EQ(failure(encode_record(1, PtrData{})), err(Error::bad_record));
  EXPECT_EQ(failure(encode_record(12, TxtData{})), err(Error::bad_record));
  EXPECT_EQ(failure(encode_record(1, AaaaData{})), err(Error::bad_record));
  EXPECT_EQ(failure(encode_record(28, SrvData{})), err(Error::bad_record));
  EXPECT_EQ(failure(encode_record(33, AData{})), err(Error::bad_record));
  for (std::uint16_t typed : {1, 12, 16, 28, 33}) {
    EXPECT_EQ(failure(encode_record(typed, RawData{})), err(Error::bad_record)) << typed;
  }
  EXPECT_TRUE(encode_record(255, RawData{}));
  EXPECT_TRUE(encode_record(16, TxtData{{std::string(255, 't')}}));
  EXPECT_EQ(failure(encode_record(16, TxtData{{"ok", std::string(256, 't')}})),
            err(Error::bad_record));
  EXPECT_EQ(failure(encode_record(12, PtrData{Name{{std::string(64, 'p')}}})),
            err(Error::name_too_long));
}

TEST(DnsMessageRdata, FieldsTooWideForTheWireAreCallerBugs) {
  DnsMessage m;
  m.opcode = 16;
  EXPECT_THROW((void)encode(m), std::invalid_argument);
  m.opcode = 0;
  m.questions.push_back(Question{Name{}, 1, 0x8001, false});
  EXPECT_THROW((void)encode(m), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Name

TEST(DnsName, ParseAndToString) {
  EXPECT_EQ(Name::parse("_p2p._udp.local").labels,
            (std::vector<std::string>{"_p2p", "_udp", "local"}));
  EXPECT_EQ(Name::parse(".a..b.").labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Name::parse("").labels.empty());
  EXPECT_TRUE(Name::parse(".").labels.empty());
  EXPECT_EQ(Name::parse("_p2p._udp.local").to_string(), "_p2p._udp.local");
  EXPECT_EQ(Name{}.to_string(), "");
  EXPECT_EQ((Name{{"a.b", "c"}}).to_string(), "a.b.c");
  EXPECT_EQ((Name{{"", "c"}}).to_string(), ".c");  // display only: an empty label still shows
}

TEST(DnsName, EqualsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(Name::parse("_P2P._udp.LOCAL").equals(Name::parse("_p2p._udp.local")));
  EXPECT_FALSE(Name::parse("_P2P._udp.LOCAL") == Name::parse("_p2p._udp.local"));
  EXPECT_FALSE(Name::parse("_p2p._udp").equals(Name::parse("_p2p._udp.local")));
  EXPECT_FALSE(Name::parse("ab.c").equals(Name::parse("a.bc")));
  EXPECT_FALSE(Name::parse("_p2p").equals(Name::parse("_p2q")));
  EXPECT_TRUE(Name::parse("AZ.Local").equals(Name::parse("az.lOCAL")));
  // Only A-Z fold: '[' (0x5b) is not '{' (0x7b), and bytes above 0x7f are compared as they are.
  EXPECT_FALSE(Name::parse("[").equals(Name::parse("{")));
  EXPECT_FALSE(Name::parse("@").equals(Name::parse("`")));
  EXPECT_FALSE((Name{{"\xc3\x89"}}).equals(Name{{"\xc3\xa9"}}));
  EXPECT_TRUE(Name{}.equals(Name{}));
}

// ---------------------------------------------------------------------------------------------
// Properties

std::string any_label() {
  if (*rc::gen::arbitrary<bool>()) {  // few distinct labels, so suffixes repeat and compress
    return *rc::gen::elementOf(std::vector<std::string>{"_p2p", "_udp", "local", "LOCAL", "a"});
  }
  const auto length = *rc::gen::inRange<std::size_t>(1, kMaxLabelBytes + 1);
  return *rc::gen::container<std::string>(length, rc::gen::arbitrary<char>());
}

Name any_name() {
  // At most 3 labels: 3 * 64 + 1 bytes stays within 255.
  Name name;
  const auto count = *rc::gen::inRange(0, 4);
  for (int i = 0; i < count; ++i) name.labels.push_back(any_label());
  return name;
}

std::uint16_t any_klass() {
  return static_cast<std::uint16_t>(*rc::gen::inRange(0, 0x8000));
}

Record any_record() {
  Record record;
  record.name = any_name();
  record.klass = any_klass();
  record.cache_flush = *rc::gen::arbitrary<bool>();
  record.ttl = *rc::gen::arbitrary<std::uint32_t>();
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      record.type = 12;
      record.data = PtrData{any_name()};
      break;
    case 1: {
      record.type = 16;
      TxtData txt;
      const auto count = *rc::gen::inRange(0, 4);
      for (int i = 0; i < count; ++i) {
        txt.strings.push_back(*rc::gen::resize(100, rc::gen::arbitrary<std::string>()));
      }
      record.data = std::move(txt);
      break;
    }
    case 2:
      record.type = 33;
      record.data =
          SrvData{*rc::gen::arbitrary<std::uint16_t>(), *rc::gen::arbitrary<std::uint16_t>(),
                  *rc::gen::arbitrary<std::uint16_t>(), any_name()};
      break;
    case 3:
      record.type = 1;
      record.data = AData{*rc::gen::arbitrary<std::array<std::uint8_t, 4>>()};
      break;
    case 4:
      record.type = 28;
      record.data = AaaaData{*rc::gen::arbitrary<std::array<std::uint8_t, 16>>()};
      break;
    default:
      record.type = *rc::gen::suchThat(rc::gen::arbitrary<std::uint16_t>(), [](std::uint16_t t) {
        return t != 1 && t != 12 && t != 16 && t != 28 && t != 33;
      });
      record.data = RawData{*rc::gen::resize(64, rc::gen::arbitrary<Bytes>())};
      break;
  }
  return record;
}

std::vector<Record> any_records() {
  std::vector<Record> records;
  const auto count = *rc::gen::inRange(0, 5);
  for (int i = 0; i < count; ++i) records.push_back(any_record());
  return records;
}

DnsMessage any_message() {
  DnsMessage m;
  m.id = *rc::gen::arbitrary<std::uint16_t>();
  m.response = *rc::gen::arbitrary<bool>();
  m.authoritative = *rc::gen::arbitrary<bool>();
  m.truncated = *rc::gen::arbitrary<bool>();
  m.opcode = static_cast<std::uint8_t>(*rc::gen::inRange(0, 16));
  m.rcode = static_cast<std::uint8_t>(*rc::gen::inRange(0, 16));
  const auto questions = *rc::gen::inRange(0, 4);
  for (int i = 0; i < questions; ++i) {
    m.questions.push_back(Question{any_name(), *rc::gen::arbitrary<std::uint16_t>(), any_klass(),
                                   *rc::gen::arbitrary<bool>()});
  }
  m.answers = any_records();
  m.authorities = any_records();
  m.additionals = any_records();
  return m;
}

RC_GTEST_PROP(DnsMessage, EncodeDecodeRoundTrip, ()) {
  const DnsMessage m = any_message();
  auto encoded = encode(m);
  RC_ASSERT(encoded.has_value());
  RC_ASSERT(encoded->size() <= kMaxMessageBytes);
  auto decoded = decode(*encoded);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == m);
  auto again = encode(*decoded);
  RC_ASSERT(again.has_value());
  RC_ASSERT(*again == *encoded);
  // Any strict prefix loses part of the last question or record (or the header).
  const auto cut = *rc::gen::inRange<std::size_t>(0, encoded->size());
  RC_ASSERT(failure(decode(ByteView(*encoded).first(cut))) == err(Error::truncated));
}

}  // namespace
}  // namespace meshchat::p2p::mdns
