// Feeds arbitrary bytes to a multistream-select listener, dialer and lazy dialer, all at once and
// in chunks, and to the message reader. Aborts on an undocumented error, on results that depend
// on chunking, or if decode(encode(decode(x))) differs from decode(x).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "p2p/multistream/dialer.hpp"
#include "p2p/multistream/listener.hpp"
#include "p2p/multistream/message.hpp"

namespace ms = meshchat::p2p::multistream;
using meshchat::Bytes;
using meshchat::ByteView;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  std::optional<std::error_code> error;
  Bytes output;
  Bytes leftover;
  std::optional<std::string> selected;
  bool done = false;
  bool operator==(const Outcome&) const = default;
};

// Chunk sizes 1..max_chunk taken from a tiny generator seeded by the input.
std::vector<std::size_t> chunking(std::size_t total, std::uint8_t seed) {
  std::vector<std::size_t> sizes;
  std::uint32_t state = seed + 1u;
  for (std::size_t done = 0; done < total;) {
    state = state * 1103515245u + 12345u;
    std::size_t n = 1 + (state >> 16) % 13;
    if (n > total - done) n = total - done;
    sizes.push_back(n);
    done += n;
  }
  return sizes;
}

template <class Machine>
Outcome run(Machine machine, ByteView data, const std::vector<std::size_t>& sizes) {
  Outcome out;
  std::size_t pos = 0;
  for (std::size_t n : sizes) {
    auto r = machine.feed(data.subspan(pos, n));
    pos += n;
    meshchat::append(out.output, machine.take_output());
    if (!r) {
      out.error = r.error();
      break;
    }
  }
  meshchat::append(out.output, machine.take_output());  // the header, even with no input
  out.leftover = machine.take_leftover();
  out.selected = machine.selected();
  out.done = machine.done();
  return out;
}

bool documented(const std::error_code& ec, std::initializer_list<ms::Error> allowed) {
  if (ec.category() != ms::error_category()) return false;
  for (auto e : allowed) {
    if (ec == e) return true;
  }
  return false;
}

template <class Make>
void check_machine(Make make, ByteView data, std::uint8_t seed,
                   std::initializer_list<ms::Error> allowed) {
  Outcome whole = run(make(), data, {data.size()});
  Outcome chunked = run(make(), data, chunking(data.size(), seed));
  check(whole == chunked);
  if (whole.error) check(documented(*whole.error, allowed));
  if (!whole.done) check(whole.leftover.empty());
}

void check_reader(ByteView data) {
  ms::MessageReader reader;
  reader.feed(data);
  std::vector<std::string> messages;
  for (;;) {
    auto m = reader.next();
    if (!m) {
      check(documented(m.error(), {ms::Error::bad_length, ms::Error::message_too_long,
                                   ms::Error::missing_newline}));
      break;
    }
    if (!*m) break;
    messages.push_back(std::move(**m));
  }
  Bytes encoded;
  for (const auto& m : messages) ms::encode_message(m, encoded);
  ms::MessageReader again;
  again.feed(encoded);
  for (const auto& m : messages) {
    auto r = again.next();
    check(r && *r && **r == m);
  }
  check(again.take_rest().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t seed = data[0];
  ByteView in(data + 1, size - 1);
  check_reader(in);
  check_machine(
      [] {
        return ms::Listener(std::set<std::string, std::less<>>{"/noise", "/yamux/1.0.0"});
      },
      in, seed,
      {ms::Error::bad_length, ms::Error::message_too_long, ms::Error::missing_newline,
       ms::Error::bad_header, ms::Error::too_many_proposals});
  std::initializer_list<ms::Error> dialer_errors = {
      ms::Error::bad_length, ms::Error::message_too_long,   ms::Error::missing_newline,
      ms::Error::bad_header, ms::Error::unexpected_message, ms::Error::protocol_not_supported};
  check_machine([] { return ms::Dialer({"/tls/1.0.0", "/noise"}); }, in, seed, dialer_errors);
  check_machine([] { return ms::Dialer({"/yamux/1.0.0"}, ms::Mode::lazy); }, in, seed,
                dialer_errors);
  return 0;
}
