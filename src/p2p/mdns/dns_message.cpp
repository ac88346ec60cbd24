#include "p2p/mdns/dns_message.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace meshchat::p2p::mdns {

namespace {

// RFC 1035 §4.1.1: id, flags, then the four section counts, 16 bits each.
constexpr std::size_t kHeaderBytes = 12;
// Type (2), class (2), TTL (4) and rdlength (2) after a record's owner name.
constexpr std::size_t kRecordFixedBytes = 10;
// Type and class after a question's name.
constexpr std::size_t kQuestionFixedBytes = 4;
// Priority, weight and port before an SRV target (RFC 2782).
constexpr std::size_t kSrvFixedBytes = 6;
// Each jump goes strictly backwards, so a walk always ends; the cap also keeps a chain of bare
// pointers (up to 4,500 of them fit in one message) cheap.
constexpr int kMaxPointerJumps = 128;
// A pointer's 14 offset bits (RFC 1035 §4.1.4): later names cannot be referenced.
constexpr std::size_t kMaxPointerOffset = 0x3FFF;
// The class field's top bit: unicast-response in questions, cache-flush in records.
constexpr std::uint16_t kClassTopBit = 0x8000;
constexpr std::uint16_t kClassMask = 0x7FFF;
// A character-string's length is one byte (RFC 1035 §3.3).
constexpr std::size_t kMaxCharacterString = 255;
constexpr std::uint8_t kMaxHeaderNibble = 0x0F;  // opcode and rcode are 4 bits wide

std::error_code error(Error e) {
  return make_error_code(e);
}

// ---------------------------------------------------------------------------------------------
// Decoding

std::uint16_t read_u16(ByteView bytes, std::size_t at) {
  return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

std::uint32_t read_u32(ByteView bytes, std::size_t at) {
  return static_cast<std::uint32_t>(read_u16(bytes, at)) << 16 | read_u16(bytes, at + 2);
}

struct NameAt {
  Name name;
  std::size_t end = 0;  // first byte after the name where it was read (not where it jumped)
};

// Reads the name at `start`. Bytes at or past `limit` belong to something else (the end of the
// message, or of the rdata holding the name); once a pointer is followed, the whole message is
// fair game, since the pointer itself lay within the limit.
Result<NameAt> read_name(ByteView message, std::size_t start, std::size_t limit) {
  NameAt out;
  std::optional<std::size_t> end;
  std::size_t position = start;
  std::size_t segment_start = start;  // pointers must land strictly before this
  std::size_t wire_bytes = 1;         // the terminating zero
  int jumps = 0;
  for (;;) {
    if (position >= limit) return fail(error(Error::truncated));
    const std::uint8_t length = message[position];
    switch (length & 0xC0) {
      case 0x00:
        break;
      case 0xC0: {
        if (position + 1 >= limit) return fail(error(Error::truncated));
        const std::size_t target = read_u16(message, position) & kMaxPointerOffset;
        if (target >= segment_start || ++jumps > kMaxPointerJumps) {
          return fail(error(Error::bad_pointer));
        }
        if (!end) end = position + 2;
        position = segment_start = target;
        limit = message.size();
        continue;
      }
      default:  // 0b01 and 0b10 are reserved (RFC 6891 retired the one use of 0b01)
        return fail(error(Error::bad_label));
    }
    if (length == 0) {
      out.end = end.value_or(position + 1);
      return out;
    }
    wire_bytes += 1 + length;
    if (wire_bytes > kMaxNameBytes) return fail(error(Error::name_too_long));
    if (limit - position - 1 < length) return fail(error(Error::truncated));
    out.name.labels.emplace_back(reinterpret_cast<const char*>(&message[position + 1]), length);
    position += 1 + length;
  }
}

// A name inside rdata must end exactly where the rdata does; running past it is bad rdata.
Result<Name> read_rdata_name(ByteView message, std::size_t start, std::size_t rdata_end) {
  auto name = read_name(message, start, rdata_end);
  if (!name) {
    if (name.error() == error(Error::truncated)) return fail(error(Error::bad_record));
    return fail(name.error());
  }
  if (name->end != rdata_end) return fail(error(Error::bad_record));
  return std::move(name->name);
}

Result<TxtData> read_txt(ByteView rdata) {
  TxtData txt;
  std::size_t position = 0;
  while (position < rdata.size()) {
    const std::size_t length = rdata[position++];
    if (rdata.size() - position < length) return fail(error(Error::bad_record));
    txt.strings.emplace_back(as_string(rdata.subspan(position, length)));
    position += length;
  }
  return txt;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> read_address(ByteView rdata) {
  if (rdata.size() != N) return fail(error(Error::bad_record));
  std::array<std::uint8_t, N> address{};
  std::copy(rdata.begin(), rdata.end(), address.begin());
  return address;
}

Result<RecordData> read_rdata(ByteView message, std::uint16_t type, std::size_t start,
                              std::size_t length) {
  const ByteView rdata = message.subspan(start, length);
  const std::size_t end = start + length;
  switch (static_cast<RecordType>(type)) {
    case RecordType::a:
      return read_address<4>(rdata).map([](auto address) { return RecordData(AData{address}); });
    case RecordType::aaaa:
      return read_address<16>(rdata).map(
          [](auto address) { return RecordData(AaaaData{address}); });
    case RecordType::ptr:
      return read_rdata_name(message, start, end).map([](Name target) {
        return RecordData(PtrData{std::move(target)});
      });
    case RecordType::txt:
      return read_txt(rdata).map([](TxtData txt) { return RecordData(std::move(txt)); });
    case RecordType::srv: {
      if (length < kSrvFixedBytes) return fail(error(Error::bad_record));
      SrvData srv;
      srv.priority = read_u16(message, start);
      srv.weight = read_u16(message, start + 2);
      srv.port = read_u16(message, start + 4);
      auto target = read_rdata_name(message, start + kSrvFixedBytes, end);
      if (!target) return fail(target.error());
      srv.target = std::move(*target);
      return RecordData(std::move(srv));
    }
    default:
      return RecordData(RawData{Bytes(rdata.begin(), rdata.end())});
  }
}

Result<Question> read_question(ByteView message, std::size_t& position) {
  auto name = read_name(message, position, message.size());
  if (!name) return fail(name.error());
  position = name->end;
  if (message.size() - position < kQuestionFixedBytes) return fail(error(Error::truncated));
  Question question;
  question.name = std::move(name->name);
  question.type = read_u16(message, position);
  const std::uint16_t klass = read_u16(message, position + 2);
  question.klass = klass & kClassMask;
  question.unicast_response = (klass & kClassTopBit) != 0;
  position += kQuestionFixedBytes;
  return question;
}

Result<Record> read_record(ByteView message, std::size_t& position) {
  auto name = read_name(message, position, message.size());
  if (!name) return fail(name.error());
  position = name->end;
  if (message.size() - position < kRecordFixedBytes) return fail(error(Error::truncated));
  Record record;
  record.name = std::move(name->name);
  record.type = read_u16(message, position);
  const std::uint16_t klass = read_u16(message, position + 2);
  record.klass = klass & kClassMask;
  record.cache_flush = (klass & kClassTopBit) != 0;
  record.ttl = read_u32(message, position + 4);
  const std::size_t rdlength = read_u16(message, position + 8);
  position += kRecordFixedBytes;
  if (message.size() - position < rdlength) return fail(error(Error::truncated));
  auto data = read_rdata(message, record.type, position, rdlength);
  if (!data) return fail(data.error());
  record.data = std::move(*data);
  position += rdlength;
  return record;
}

Result<std::vector<Record>> read_records(ByteView message, std::size_t& position,
                                         std::size_t count) {
  std::vector<Record> records;
  records.reserve(count);  // count is bounded by kMaxRecords
  for (std::size_t i = 0; i < count; ++i) {
    auto record = read_record(message, position);
    if (!record) return fail(record.error());
    records.push_back(std::move(*record));
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Encoding

// The record type each typed alternative of RecordData must carry, in variant order.
constexpr std::array<RecordType, 5> kTypedAlternatives = {
    RecordType::ptr, RecordType::txt, RecordType::srv, RecordType::a, RecordType::aaaa};
static_assert(std::variant_size_v<RecordData> == kTypedAlternatives.size() + 1);

bool type_matches(std::uint16_t type, const RecordData& data) {
  const auto is = [type](RecordType t) { return type == static_cast<std::uint16_t>(t); };
  if (data.index() < kTypedAlternatives.size()) return is(kTypedAlternatives[data.index()]);
  return std::none_of(kTypedAlternatives.begin(), kTypedAlternatives.end(), is);
}

// The fields that have no error code of their own cannot come from decode(); a value that does
// not fit them is a bug in the caller.
void check_field_widths(const DnsMessage& message) {
  if (message.opcode > kMaxHeaderNibble || message.rcode > kMaxHeaderNibble) {
    throw std::invalid_argument("DNS opcode and rcode are 4 bits wide");
  }
  const auto klass_fits = [](const auto& entry) { return entry.klass <= kClassMask; };
  const bool fits =
      std::all_of(message.questions.begin(), message.questions.end(), klass_fits) &&
      std::all_of(message.answers.begin(), message.answers.end(), klass_fits) &&
      std::all_of(message.authorities.begin(), message.authorities.end(), klass_fits) &&
      std::all_of(message.additionals.begin(), message.additionals.end(), klass_fits);
  if (!fits) throw std::invalid_argument("DNS class above 0x7FFF collides with its top-bit flag");
}

class Writer {
 public:
  Bytes take() { return std::move(out_); }
  std::size_t size() const { return out_.size(); }

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
  }
  void u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value));
  }
  void bytes(std::string_view value) { append(out_, as_bytes(value)); }
  void patch_u16(std::size_t at, std::uint16_t value) {
    out_[at] = static_cast<std::uint8_t>(value >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(value);
  }

  // Writes `name`, ending in a pointer to the longest suffix already written, if any.
  Result<void> name(const Name& name) {
    const auto& labels = name.labels;
    std::size_t wire_bytes = 1;
    for (const auto& label : labels) {
      if (label.empty() || label.size() > kMaxLabelBytes) return fail(error(Error::name_too_long));
      wire_bytes += 1 + label.size();
    }
    if (wire_bytes > kMaxNameBytes) return fail(error(Error::name_too_long));

    // suffixes[i] is the uncompressed wire form of labels[i..]: a key unique to that sequence.
    std::vector<std::string> suffixes(labels.size() + 1);
    for (std::size_t i = labels.size(); i-- > 0;) {
      suffixes[i] = static_cast<char>(labels[i].size()) + labels[i] + suffixes[i + 1];
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (auto found = written_.find(suffixes[i]); found != written_.end()) {
        write_labels(labels, suffixes, i);
        u16(static_cast<std::uint16_t>(0xC000 | found->second));
        return {};
      }
    }
    write_labels(labels, suffixes, labels.size());
    u8(0);
    return {};
  }

 private:
  void write_labels(const std::vector<std::string>& labels,
                    const std::vector<std::string>& suffixes, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      if (out_.size() <= kMaxPointerOffset) {
        written_.emplace(suffixes[i], static_cast<std::uint16_t>(out_.size()));
      }
      u8(static_cast<std::uint8_t>(labels[i].size()));
      bytes(labels[i]);
    }
  }

  Bytes out_;
  // Offset of each label sequence written so far, keyed by its uncompressed wire form.
  std::unordered_map<std::string, std::uint16_t> written_;
};

Result<void> write_rdata(Writer& out, const RecordData& data) {
  if (const auto* ptr = std::get_if<PtrData>(&data)) return out.name(ptr->target);
  if (const auto* srv = std::get_if<SrvData>(&data)) {
    out.u16(srv->priority);
    out.u16(srv->weight);
    out.u16(srv->port);
    return out.name(srv->target);
  }
  if (const auto* txt = std::get_if<TxtData>(&data)) {
    for (const auto& string : txt->strings) {
      if (string.size() > kMaxCharacterString) return fail(error(Error::bad_record));
      out.u8(static_cast<std::uint8_t>(string.size()));
      out.bytes(string);
    }
    return {};
  }
  if (const auto* a = std::get_if<AData>(&data)) {
    out.bytes(as_string(a->address));
    return {};
  }
  if (const auto* aaaa = std::get_if<AaaaData>(&data)) {
    out.bytes(as_string(aaaa->address));
    return {};
  }
  out.bytes(as_string(std::get<RawData>(data).bytes));
  return {};
}

Result<void> write_record(Writer& out, const Record& record) {
  if (!type_matches(record.type, record.data)) return fail(error(Error::bad_record));
  if (auto written = out.name(record.name); !written) return written;
  out.u16(record.type);
  out.u16(static_cast<std::uint16_t>(record.klass | (record.cache_flush ? kClassTopBit : 0)));
  out.u32(record.ttl);
  const std::size_t rdlength_at = out.size();
  out.u16(0);
  if (auto written = write_rdata(out, record.data); !written) return written;
  // Checked before the length is narrowed: an rdlength above 16 bits also exceeds the limit.
  if (out.size() > kMaxMessageBytes) return fail(error(Error::message_too_large));
  out.patch_u16(rdlength_at, static_cast<std::uint16_t>(out.size() - rdlength_at - 2));
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Name

std::string Name::to_string() const {
  std::string dotted;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) dotted += '.';
    dotted += labels[i];
  }
  return dotted;
}

Name Name::parse(std::string_view dotted) {
  Name name;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const auto label = dotted.substr(0, dot);
    if (!label.empty()) name.labels.emplace_back(label);
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return name;
}

bool Name::equals(const Name& other) const {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  const auto same_label = [&lower](const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [&lower](char x, char y) { return lower(x) == lower(y); });
  };
  return std::equal(labels.begin(), labels.end(), other.labels.begin(), other.labels.end(),
                    same_label);
}

// ---------------------------------------------------------------------------------------------
// Messages

Result<DnsMessage> decode(ByteView bytes) {
  if (bytes.size() > kMaxMessageBytes) return fail(error(Error::message_too_large));
  if (bytes.size() < kHeaderBytes) return fail(error(Error::truncated));
  DnsMessage message;
  message.id = read_u16(bytes, 0);
  const std::uint16_t flags = read_u16(bytes, 2);
  message.response = (flags & 0x8000) != 0;
  message.opcode = static_cast<std::uint8_t>((flags >> 11) & kMaxHeaderNibble);
  message.authoritative = (flags & 0x0400) != 0;
  message.truncated = (flags & 0x0200) != 0;
  message.rcode = static_cast<std::uint8_t>(flags & kMaxHeaderNibble);
  const std::size_t questions = read_u16(bytes, 4);
  const std::size_t answers = read_u16(bytes, 6);
  const std::size_t authorities = read_u16(bytes, 8);
  const std::size_t additionals = read_u16(bytes, 10);
  if (questions + answers + authorities + additionals > kMaxRecords) {
    return fail(error(Error::too_many_records));
  }

  std::size_t position = kHeaderBytes;
  message.questions.reserve(questions);
  for (std::size_t i = 0; i < questions; ++i) {
    auto question = read_question(bytes, position);
    if (!question) return fail(question.error());
    message.questions.push_back(std::move(*question));
  }
  for (auto [count, section] :
       {std::pair{answers, &message.answers}, std::pair{authorities, &message.authorities},
        std::pair{additionals, &message.additionals}}) {
    auto records = read_records(bytes, position, count);
    if (!records) return fail(records.error());
    *section = std::move(*records);
  }
  return message;  // bytes after the last record are padding
}

Result<Bytes> encode(const DnsMessage& message) {
  check_field_widths(message);
  const std::size_t records =
      message.answers.size() + message.authorities.size() + message.additionals.size();
  // decode() refuses more; encoding them would only produce a message no peer of ours reads.
  if (message.questions.size() + records > kMaxRecords) {
    return fail(error(Error::too_many_records));
  }
  Writer out;
  out.u16(message.id);
  // RD, RA and Z stay 0: multicast DNS ignores them (RFC 6762 §18.6–18.8).
  out.u16(static_cast<std::uint16_t>((message.response ? 0x8000 : 0) | message.opcode << 11 |
                                     (message.authoritative ? 0x0400 : 0) |
                                     (message.truncated ? 0x0200 : 0) | message.rcode));
  out.u16(static_cast<std::uint16_t>(message.questions.size()));
  out.u16(static_cast<std::uint16_t>(message.answers.size()));
  out.u16(static_cast<std::uint16_t>(message.authorities.size()));
  out.u16(static_cast<std::uint16_t>(message.additionals.size()));

  for (const auto& question : message.questions) {
    if (auto written = out.name(question.name); !written) return fail(written.error());
    out.u16(question.type);
    out.u16(static_cast<std::uint16_t>(question.klass |
                                       (question.unicast_response ? kClassTopBit : 0)));
    if (out.size() > kMaxMessageBytes) return fail(error(Error::message_too_large));
  }
  for (const auto* section : {&message.answers, &message.authorities, &message.additionals}) {
    for (const auto& record : *section) {
      if (auto written = write_record(out, record); !written) return fail(written.error());
    }
  }
  return out.take();
}

}  // namespace meshchat::p2p::mdns
