#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "p2p/multistream/dialer.hpp"
#include "p2p/multistream/listener.hpp"

namespace meshchat::p2p::multistream {
namespace {

Bytes concat(std::initializer_list<std::string_view> messages) {
  Bytes out;
  for (auto m : messages) encode_message(m, out);
  return out;
}

Error error_of(const Result<void>& r) {
  EXPECT_FALSE(r);
  return r ? Error{} : static_cast<Error>(r.error().value());
}

TEST(MultistreamDialer, PipelinesHeaderAndFirstProposal) {
  Dialer dialer({"/noise", "/tls/1.0.0"});
  EXPECT_EQ(dialer.take_output(), to_bytes("\x13/multistream/1.0.0\n\x07/noise\n"));
  EXPECT_FALSE(dialer.selected());
  ASSERT_TRUE(dialer.feed(to_bytes("\x13/multistream/1.0.0\n\x07/noise\n")));
  EXPECT_TRUE(dialer.done());
  EXPECT_EQ(dialer.selected(), "/noise");
  EXPECT_TRUE(dialer.take_output().empty());
}

TEST(MultistreamDialer, TriesNextProposalAfterNa) {
  Dialer dialer({"/tls/1.0.0", "/noise"});
  dialer.take_output();
  ASSERT_TRUE(dialer.feed(to_bytes("\x13/multistream/1.0.0\n\x03na\n")));
  EXPECT_FALSE(dialer.done());
  EXPECT_EQ(dialer.take_output(), to_bytes("\x07/noise\n"));
  Bytes echo = to_bytes("\x07/noise\n");
  echo.push_back(0x00);  // first byte of a Noise message, pipelined by the listener
  ASSERT_TRUE(dialer.feed(echo));
  EXPECT_EQ(dialer.selected(), "/noise");
  EXPECT_EQ(dialer.take_leftover(), Bytes{0x00});
  ASSERT_TRUE(dialer.feed(Bytes{0x20}));
  EXPECT_EQ(dialer.take_leftover(), Bytes{0x20});
}

TEST(MultistreamDialer, AllRejectedIsProtocolNotSupported) {
  Dialer dialer({"/a", "/b"});
  auto r = dialer.feed(concat({kProtocolId, kNa, kNa}));
  EXPECT_EQ(error_of(r), Error::protocol_not_supported);
  EXPECT_EQ(r.error().message(), "protocol not supported");
  EXPECT_EQ(error_of(dialer.feed(Bytes{})), Error::protocol_not_supported);  // sticky
  EXPECT_FALSE(dialer.selected());
}

TEST(MultistreamDialer, RejectsBadHeaderAndStrangeReplies) {
  Dialer a({"/a"});
  EXPECT_EQ(error_of(a.feed(concat({"/multistream/2.0.0"}))), Error::bad_header);
  Dialer b({"/a"});
  EXPECT_EQ(error_of(b.feed(concat({kProtocolId, "/b"}))), Error::unexpected_message);
  Dialer c({"/a"});
  EXPECT_EQ(error_of(c.feed(to_bytes("\x13/multistream/1.0.0!"))), Error::missing_newline);
}

TEST(MultistreamDialer, RejectsBadIds) {
  EXPECT_THROW(Dialer({}), std::invalid_argument);
  EXPECT_THROW(Dialer({""}), std::invalid_argument);
  EXPECT_THROW(Dialer({"/a\n"}), std::invalid_argument);
  EXPECT_THROW(Dialer({"/a", "/b"}, Mode::lazy), std::invalid_argument);
}

TEST(MultistreamDialer, LazySelectsAtOnceAndChecksEcho) {
  Dialer dialer({"/yamux/1.0.0"}, Mode::lazy);
  EXPECT_EQ(dialer.selected(), "/yamux/1.0.0");
  EXPECT_EQ(dialer.take_output(), concat({kProtocolId, "/yamux/1.0.0"}));
  Bytes in = concat({kProtocolId, "/yamux/1.0.0"});
  in.insert(in.end(), {0x00, 0x01});
  ASSERT_TRUE(dialer.feed(ByteView(in).first(10)));
  EXPECT_FALSE(dialer.done());
  EXPECT_TRUE(dialer.take_leftover().empty());  // header and echo never reach the application
  ASSERT_TRUE(dialer.feed(ByteView(in).subspan(10)));
  EXPECT_TRUE(dialer.done());
  EXPECT_EQ(dialer.take_leftover(), (Bytes{0x00, 0x01}));
}

TEST(MultistreamDialer, LazyRefusedIsProtocolNotSupported) {
  Dialer dialer({"/yamux/1.0.0"}, Mode::lazy);
  EXPECT_EQ(error_of(dialer.feed(concat({kProtocolId, kNa}))), Error::protocol_not_supported);
  EXPECT_FALSE(dialer.selected());
}

TEST(MultistreamListener, EchoesSupportedProposal) {
  Listener listener(std::set<std::string, std::less<>>{"/noise"});
  EXPECT_EQ(listener.take_output(), to_bytes("\x13/multistream/1.0.0\n"));
  Bytes in = to_bytes("\x13/multistream/1.0.0\n\x0b/tls/1.0.0\n\x07/noise\nXY");
  ASSERT_TRUE(listener.feed(in));
  EXPECT_EQ(listener.take_output(), to_bytes("\x03na\n\x07/noise\n"));
  EXPECT_EQ(listener.selected(), "/noise");
  EXPECT_EQ(listener.take_leftover(), to_bytes("XY"));
}

TEST(MultistreamListener, AnswersLsAndNaWithNa) {
  Listener listener([](std::string_view) { return true; });
  listener.take_output();
  ASSERT_TRUE(listener.feed(concat({kProtocolId, kLs, kNa})));
  EXPECT_EQ(listener.take_output(), concat({kNa, kNa}));
  EXPECT_FALSE(listener.done());
}

TEST(MultistreamListener, RejectsBadHeader) {
  Listener listener([](std::string_view) { return true; });
  EXPECT_EQ(error_of(listener.feed(concat({"/noise"}))), Error::bad_header);
  EXPECT_EQ(error_of(listener.feed(concat({kProtocolId}))), Error::bad_header);
}

TEST(MultistreamListener, LimitsRejectedProposals) {
  Listener listener([](std::string_view) { return false; });
  ASSERT_TRUE(listener.feed(concat({kProtocolId})));
  for (std::size_t i = 0; i < kMaxRejectedProposals; ++i) {
    ASSERT_TRUE(listener.feed(concat({"/x"})));
  }
  EXPECT_EQ(error_of(listener.feed(concat({"/x"}))), Error::too_many_proposals);
}

TEST(MultistreamListener, RejectsOversizedMessage) {
  Listener listener([](std::string_view) { return true; });
  Bytes in = concat({kProtocolId});
  in.insert(in.end(), {0x81, 0x08});
  EXPECT_EQ(error_of(listener.feed(in)), Error::message_too_long);
}

// Feeds `bytes` in random chunks.
template <class Machine>
Result<void> feed_chunked(Machine& machine, ByteView bytes) {
  for (std::size_t pos = 0; pos < bytes.size();) {
    auto n = *rc::gen::inRange<std::size_t>(1, bytes.size() - pos + 1);
    if (auto r = machine.feed(bytes.subspan(pos, n)); !r) return r;
    pos += n;
  }
  return {};
}

// Moves bytes both ways until neither side has anything left to send.
Result<void> run_pair(Dialer& dialer, Listener& listener) {
  for (int round = 0; round < 64; ++round) {
    Bytes to_listener = dialer.take_output();
    Bytes to_dialer = listener.take_output();
    if (to_listener.empty() && to_dialer.empty()) return {};
    if (auto r = feed_chunked(listener, to_listener); !r) return r;
    if (auto r = feed_chunked(dialer, to_dialer); !r) return r;
  }
  RC_FAIL("negotiation did not settle");
}

RC_GTEST_PROP(MultistreamPair, AgreesOnFirstSupported, ()) {
  auto count = *rc::gen::inRange<std::size_t>(1, 6);
  std::vector<std::string> offered;
  for (std::size_t i = 0; i < count; ++i) offered.push_back("/p/" + std::to_string(i));
  // The listener supports offered[first..]; first == count means none of them.
  auto first = *rc::gen::inRange<std::size_t>(0, count + 1);
  std::set<std::string, std::less<>> supported{"/other"};
  for (std::size_t i = first; i < count; ++i) supported.insert(offered[i]);
  Dialer dialer(offered);
  Listener listener(supported);
  auto r = run_pair(dialer, listener);
  if (first == count) {
    RC_ASSERT(!r);
    RC_ASSERT(r.error() == Error::protocol_not_supported);
    RC_ASSERT(!dialer.selected());
    RC_ASSERT(!listener.selected());
    return;
  }
  RC_ASSERT(r.has_value());
  RC_ASSERT(dialer.selected() == offered[first]);
  RC_ASSERT(listener.selected() == offered[first]);
  RC_ASSERT(dialer.done() && listener.done());
  // Data the dialer writes after selection reaches the listener's leftover intact.
  Bytes app = *rc::gen::arbitrary<Bytes>();
  RC_ASSERT(feed_chunked(listener, app).has_value());
  RC_ASSERT(listener.take_leftover() == app);
}

RC_GTEST_PROP(MultistreamPair, LazyDialerWithEarlyDataBothWays, ()) {
  Dialer dialer({"/yamux/1.0.0"}, Mode::lazy);
  Listener listener(std::set<std::string, std::less<>>{"/yamux/1.0.0"});
  Bytes dialer_app = *rc::gen::arbitrary<Bytes>();
  Bytes listener_app = *rc::gen::arbitrary<Bytes>();
  Bytes to_listener = dialer.take_output();
  append(to_listener, dialer_app);  // the application writes right behind the proposal
  RC_ASSERT(feed_chunked(listener, to_listener).has_value());
  RC_ASSERT(listener.done());
  RC_ASSERT(listener.take_leftover() == dialer_app);
  Bytes to_dialer = listener.take_output();
  append(to_dialer, listener_app);
  RC_ASSERT(feed_chunked(dialer, to_dialer).has_value());
  RC_ASSERT(dialer.done());
  RC_ASSERT(dialer.take_leftover() == listener_app);
}

}  // namespace
}  // namespace meshchat::p2p::multistream
