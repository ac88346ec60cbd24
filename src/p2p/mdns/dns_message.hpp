// DNS messages as multicast DNS uses them (RFC 1035 §4, RFC 6762): header, questions and the
// record types libp2p's mDNS discovery needs (PTR, TXT, SRV, A, AAAA); others pass as raw rdata.
// Pure codec: bytes in, DnsMessage out and back; names are compared case-insensitively.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "p2p/mdns/error.hpp"

namespace meshchat::p2p::mdns {

// RFC 6762 §17: a multicast DNS message may fill a 9000-byte jumbo frame, never more.
inline constexpr std::size_t kMaxMessageBytes = 9000;
// Questions + answers + authority + additional records in one message we decode.
inline constexpr std::size_t kMaxRecords = 256;
// RFC 1035 §2.3.4.
inline constexpr std::size_t kMaxNameBytes = 255;
inline constexpr std::size_t kMaxLabelBytes = 63;

enum class RecordType : std::uint16_t {
  a = 1,
  ptr = 12,
  txt = 16,
  aaaa = 28,
  srv = 33,
  any = 255,  // questions only
};
inline constexpr std::uint16_t kClassIn = 1;
// The top bit of a question's class asks for a unicast reply (RFC 6762 §5.4); in a record it is
// the cache-flush bit (§10.2). Decoding keeps it apart from the class.

// A domain name as its labels, without the root: {"_p2p", "_udp", "local"}. Labels are
// arbitrary bytes (DNS-SD instance names may hold any UTF-8).
struct Name {
  std::vector<std::string> labels;
  // "a.b.c" without a trailing dot; a label containing '.' is not escaped (display only).
  std::string to_string() const;
  // Splits on '.'; empty labels are dropped. For fixed names in code.
  static Name parse(std::string_view dotted);
  // ASCII case-insensitive label by label, as DNS compares names.
  bool equals(const Name& other) const;
  bool operator==(const Name&) const = default;  // exact bytes
};

struct Question {
  Name name;
  std::uint16_t type = 0;  // a RecordType value, or any other the peer asked for
  std::uint16_t klass = kClassIn;
  bool unicast_response = false;
  bool operator==(const Question&) const = default;
};

struct PtrData {
  Name target;
  bool operator==(const PtrData&) const = default;
};
// Each character-string of the record (RFC 1035 §3.3.14), at most 255 bytes each.
struct TxtData {
  std::vector<std::string> strings;
  bool operator==(const TxtData&) const = default;
};
struct SrvData {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  Name target;
  bool operator==(const SrvData&) const = default;
};
struct AData {
  std::array<std::uint8_t, 4> address{};
  bool operator==(const AData&) const = default;
};
struct AaaaData {
  std::array<std::uint8_t, 16> address{};
  bool operator==(const AaaaData&) const = default;
};
// Any other type: the rdata bytes as received (names inside are not decompressed).
struct RawData {
  Bytes bytes;
  bool operator==(const RawData&) const = default;
};
using RecordData = std::variant<PtrData, TxtData, SrvData, AData, AaaaData, RawData>;

struct Record {
  Name name;
  std::uint16_t type = 0;  // matches `data` for the typed alternatives
  std::uint16_t klass = kClassIn;
  bool cache_flush = false;
  std::uint32_t ttl = 0;
  RecordData data;
  bool operator==(const Record&) const = default;
};

struct DnsMessage {
  std::uint16_t id = 0;        // 0 in multicast DNS
  bool response = false;       // QR
  bool authoritative = false;  // AA; mDNS responses set it
  bool truncated = false;      // TC
  std::uint8_t opcode = 0;
  std::uint8_t rcode = 0;
  std::vector<Question> questions;
  std::vector<Record> answers;
  std::vector<Record> authorities;
  std::vector<Record> additionals;
  bool operator==(const DnsMessage&) const = default;
};

// Errors: truncated, bad_label, name_too_long, bad_pointer (compression pointers must point
// strictly before the name that uses them: no loops, no forward references), too_many_records,
// message_too_large, bad_record. Trailing bytes after the last record are ignored (RFC 6762
// does not forbid padding). Typed rdata must be exactly its record's rdlength.
Result<DnsMessage> decode(ByteView bytes);

// Wire form with name compression (every name suffix already written is referenced). Errors:
// name_too_long, bad_record (a TXT string above 255 bytes, or a record whose `type` does not
// match its data), too_many_records, message_too_large (above kMaxMessageBytes). An opcode or
// rcode above 15, or a class above 0x7fff, is a caller bug: std::invalid_argument.
Result<Bytes> encode(const DnsMessage& message);

}  // namespace meshchat::p2p::mdns
