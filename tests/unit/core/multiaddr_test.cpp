#include "core/multiaddr.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unordered_set>

#include "core/base58.hpp"
#include "core/multibase.hpp"
#include "core/multihash.hpp"

namespace meshchat {
namespace {

using multiaddr::Error;

constexpr const char* kQmPeer = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";
constexpr const char* kQmPeerHex =
    "1220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b";
constexpr const char* kEdPeer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

struct Vector {
  const char* text;
  const char* hex;
};

// Text and binary of every supported protocol. The first three are go-multiaddr's
// multiaddr_test.go TestStringToBytes vectors, ip6zone its TestZone; the rest were computed
// independently (Python: socket.inet_pton, a 20-line varint/base58 encoder) from protocols.csv.
const Vector kVectors[] = {
    {"/ip4/127.0.0.1/udp/1234", "047f000001910204d2"},
    {"/ip4/127.0.0.1/tcp/4321", "047f0000010610e1"},
    {"/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321", "047f000001910204d2047f0000010610e1"},
    {"/ip6zone/eth0/ip6/::1", "2a04657468302900000000000000000000000000000001"},
    {"/ip4/0.0.0.0/tcp/0", "0400000000060000"},
    {"/ip4/255.255.255.255/tcp/65535", "04ffffffff06ffff"},
    {"/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1"},
    {"/ip6/2001:db8::1/udp/443/quic-v1", "2920010db8000000000000000000000001910201bbcd03"},
    {"/ip6zone/eth0/ip6/fe80::1", "2a046574683029fe800000000000000000000000000001"},
    {"/dns/example.com/tcp/443/wss", "350b6578616d706c652e636f6d0601bbde03"},
    {"/dns4/example.com/tcp/80/ws", "360b6578616d706c652e636f6d060050dd03"},
    {"/dns6/example.com/tcp/443/tls/ws", "370b6578616d706c652e636f6d0601bbc003dd03"},
    {"/dnsaddr/bootstrap.libp2p.io", "3813626f6f7473747261702e6c69627032702e696f"},
    {"/dns/example.com/tcp/443/tls/sni/example.com/ws",
     "350b6578616d706c652e636f6d0601bbc003c1030b6578616d706c652e636f6ddd03"},
    {"/unix/a/b/c/d/e", "90030a2f612f622f632f642f65"},
    {"/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
     "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b"},
    {"/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
     "0401020304060fa1a503260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c"
     "37eb1336b"},
    {"/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit/p2p/"
     "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
     "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0ba202a50326002408"
     "0112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b"},
    {"/ip4/127.0.0.1/udp/1234/webrtc-direct/certhash/"
     "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
     "047f000001910204d29802d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714ca"
     "ef0c4f2"},
    {"/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/"
     "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
     "047f000001910204d2cd03d103d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a39607"
     "14caef0c4f2"},
    {"/ip4/1.2.3.4/udp/1/quic/webrtc", "040102030491020001cc039902"},
};

TEST(Multiaddr, TextToBinaryAndBack) {
  for (const auto& v : kVectors) {
    auto parsed = Multiaddr::parse(v.text);
    ASSERT_TRUE(parsed) << v.text << ": " << parsed.error().message();
    EXPECT_EQ(to_hex(parsed->bytes()), v.hex) << v.text;
    EXPECT_EQ(parsed->to_string(), v.text);

    auto decoded = Multiaddr::from_bytes(*from_hex(v.hex));
    ASSERT_TRUE(decoded) << v.hex << ": " << decoded.error().message();
    EXPECT_EQ(decoded->to_string(), v.text);
    EXPECT_EQ(*decoded, *parsed);
    EXPECT_EQ(decoded->components(), parsed->components());
  }
}

TEST(Multiaddr, ProtocolCodes) {
  // protocols.csv
  struct Code {
    Protocol protocol;
    std::uint32_t code;
    const char* name;
  } codes[] = {
      {Protocol::ip4, 4, "ip4"},
      {Protocol::tcp, 6, "tcp"},
      {Protocol::udp, 273, "udp"},
      {Protocol::ip6, 41, "ip6"},
      {Protocol::ip6zone, 42, "ip6zone"},
      {Protocol::dns, 53, "dns"},
      {Protocol::dns4, 54, "dns4"},
      {Protocol::dns6, 55, "dns6"},
      {Protocol::dnsaddr, 56, "dnsaddr"},
      {Protocol::unix_socket, 400, "unix"},
      {Protocol::p2p, 421, "p2p"},
      {Protocol::p2p_circuit, 290, "p2p-circuit"},
      {Protocol::ws, 477, "ws"},
      {Protocol::wss, 478, "wss"},
      {Protocol::tls, 448, "tls"},
      {Protocol::sni, 449, "sni"},
      {Protocol::quic, 460, "quic"},
      {Protocol::quic_v1, 461, "quic-v1"},
      {Protocol::webtransport, 465, "webtransport"},
      {Protocol::webrtc_direct, 280, "webrtc-direct"},
      {Protocol::webrtc, 281, "webrtc"},
      {Protocol::certhash, 466, "certhash"},
  };
  for (const auto& c : codes) {
    EXPECT_EQ(static_cast<std::uint32_t>(c.protocol), c.code);
    EXPECT_EQ(multiaddr::to_string(c.protocol), c.name);
    const auto* by_name = multiaddr::find_protocol(std::string_view(c.name));
    ASSERT_NE(by_name, nullptr) << c.name;
    EXPECT_EQ(by_name->protocol, c.protocol);
    const auto* by_code = multiaddr::find_protocol(std::uint64_t{c.code});
    ASSERT_NE(by_code, nullptr) << c.code;
    EXPECT_EQ(by_code->name, c.name);
  }
  EXPECT_EQ(multiaddr::find_protocol(std::string_view("ipfs"))->protocol, Protocol::p2p);
  EXPECT_EQ(multiaddr::find_protocol(std::string_view("dccp")), nullptr);
  EXPECT_EQ(multiaddr::find_protocol(std::uint64_t{33}), nullptr);
}

TEST(Multiaddr, IpfsIsReadAsP2p) {
  auto addr = Multiaddr::parse(std::string("/ip4/127.0.0.1/ipfs/") + kQmPeer + "/tcp/1234");
  ASSERT_TRUE(addr);
  EXPECT_EQ(addr->to_string(), std::string("/ip4/127.0.0.1/p2p/") + kQmPeer + "/tcp/1234");
}

TEST(Multiaddr, P2pAcceptsCidText) {
  // go-multiaddr's good list: the libp2p-key CID forms of kQmPeer and of an Ed25519 PeerId.
  auto cid = Multiaddr::parse("/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm");
  ASSERT_TRUE(cid);
  EXPECT_EQ(cid->to_string(), std::string("/p2p/") + kQmPeer);
  auto identity =
      Multiaddr::parse("/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u");
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->to_string(), "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV");
}

TEST(Multiaddr, CanonicalText) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"/ip6/0:0:0:0:0:0:0:1/tcp/1", "/ip6/::1/tcp/1"},
      {"/ip6/2001:DB8::A/tcp/1", "/ip6/2001:db8::a/tcp/1"},
      {"/ip6/::ffff:127.0.0.1/tcp/111", "/ip6/::ffff:127.0.0.1/tcp/111"},  // go TestRoundTrip
      {"/ip4/1.2.3.4/tcp/80/", "/ip4/1.2.3.4/tcp/80"},  // one trailing '/', as go accepts
      {"/ip4/1.2.3.4/certhash/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41",
       "/ip4/1.2.3.4/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g"},
      {"/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy", "/certhash/u1QEQOFj2IjCsPJFfMAxmQxLGPw"},
      {"/unix/", "/unix/"},
      {"/ip4/1.2.3.4/unix/tmp/a b//c/", "/ip4/1.2.3.4/unix/tmp/a b//c/"},
  };
  for (const auto& c : cases) {
    auto addr = Multiaddr::parse(c.in);
    ASSERT_TRUE(addr) << c.in << ": " << addr.error().message();
    EXPECT_EQ(addr->to_string(), c.out);
  }
}

TEST(Multiaddr, RejectsBadText) {
  struct Case {
    std::string text;
    Error error;
  } cases[] = {
      {"", Error::empty},
      {"/", Error::empty},
      {"ip4/1.2.3.4", Error::bad_syntax},
      {" /ip4/1.2.3.4", Error::bad_syntax},
      {"//ip4/1.2.3.4", Error::bad_syntax},
      {"/ip4/1.2.3.4//tcp/80", Error::bad_syntax},
      {"/ip4/1.2.3.4/tcp/80//", Error::bad_syntax},
      {"/foo/1", Error::unknown_protocol},
      {"/dccp/1234", Error::unknown_protocol},
      {"/IP4/1.2.3.4", Error::unknown_protocol},
      {"/ip4/1.2.3.4/tcp/80/garbage", Error::unknown_protocol},
      {"/ip4/1.2.3.4/tcp/80/1234", Error::unknown_protocol},
      {"/ip4", Error::missing_value},
      {"/ip4/", Error::missing_value},
      {"/tcp", Error::missing_value},
      {"/tcp//ip4/1.2.3.4", Error::missing_value},
      {"/dns", Error::missing_value},
      {"/unix", Error::missing_value},
      {"/p2p", Error::missing_value},
      {"/certhash", Error::missing_value},
      {"/ip4/::1", Error::bad_value},
      {"/ip4/1.2.3", Error::bad_value},
      {"/ip4/1.2.3.4.5", Error::bad_value},
      {"/ip4/1.2.3.", Error::bad_value},
      {"/ip4/.1.2.3", Error::bad_value},
      {"/ip4/256.0.0.1", Error::bad_value},
      {"/ip4/01.2.3.4", Error::bad_value},
      {"/ip4/1.2.3.4 ", Error::bad_value},
      {"/ip4/1.2.3.-4", Error::bad_value},
      {"/ip4/1.2.3.4444", Error::bad_value},
      {"/ip4/fdpsofodsajfdoisa", Error::bad_value},
      {"/ip6/1.2.3.4", Error::bad_value},
      {"/ip6/::1%eth0", Error::bad_value},
      {"/ip6/[::1]", Error::bad_value},
      {std::string("/ip6/::1\0x", 10), Error::bad_value},
      {std::string("/ip4/1.2.3.4\0", 13), Error::bad_value},
      {"/ip6/1:2:3:4:5:6:7:8:9", Error::bad_value},
      {"/ip6/" + std::string(60, '0'), Error::bad_value},
      {"/tcp/65536", Error::bad_value},
      {"/udp/65536", Error::bad_value},
      {"/tcp/99999", Error::bad_value},
      {"/tcp/100000", Error::bad_value},
      {"/tcp/-1", Error::bad_value},
      {"/tcp/+80", Error::bad_value},
      {"/tcp/080", Error::bad_value},
      {"/tcp/8o", Error::bad_value},
      {"/tcp/0x50", Error::bad_value},
      {"/ws/1", Error::unknown_protocol},  // ws takes no value: "1" is read as a protocol name
      {"/dns/" + std::string(multiaddr::kMaxNameLength + 1, 'a'), Error::bad_value},
      // Base36 text, non-libp2p-key codecs, other hashes and a 33-byte sha2-256 (go's bad list).
      {"/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7", Error::bad_value},
      {"/p2p/bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", Error::bad_value},
      {"/p2p/QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY", Error::bad_value},
      {"/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNK0", Error::bad_value},
      {"/p2p/?unknownmultibase", Error::bad_value},
      {"/p2p/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41", Error::bad_value},
      {"/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp", Error::bad_value},  // 1 character short
      {"/certhash/uAAAA", Error::bad_value},                            // not a multihash
      {"/certhash/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC", Error::bad_value},
      {"/ip4/1.2.3.4" + std::string(multiaddr::kMaxTextLength, '/'), Error::too_long},
  };
  for (const auto& c : cases) {
    auto addr = Multiaddr::parse(c.text);
    ASSERT_FALSE(addr) << c.text << " parsed as " << addr->to_string();
    EXPECT_EQ(addr.error(), c.error) << c.text << ": " << addr.error().message();
  }
}

TEST(Multiaddr, RejectsBadBinary) {
  struct Case {
    std::string hex;
    Error error;
  } cases[] = {
      {"", Error::empty},
      {"047f0000", Error::truncated},          // ip4 cut short
      {"047f000001910204", Error::truncated},  // udp port cut short
      {"80", Error::truncated},                // code varint cut short
      {"0401020304a5", Error::truncated},      // p2p code, no length
      {"a50322" + std::string(kQmPeerHex).substr(0, 40), Error::truncated},
      {"350b6578616d706c65", Error::truncated},  // dns name shorter than its length
      {"3580", Error::truncated},                // dns length varint cut short
      {"2100", Error::unknown_protocol},         // dccp, not supported
      {"00", Error::unknown_protocol},
      {"ffffffffffffffff7f", Error::unknown_protocol},
      {"047f000001"
       "d40300",
       Error::unknown_protocol},    // 468 is unassigned
      {"8400", Error::bad_varint},  // ip4's code, not minimally encoded
      {"ffffffffffffffffff01", Error::bad_varint},
      {"358100", Error::bad_varint},     // dns length, not minimally encoded
      {"3500", Error::bad_value},        // empty dns name
      {"3503612f62", Error::bad_value},  // dns name with '/'
      {"900300", Error::bad_value},      // empty unix path
      {"90030161", Error::bad_value},    // unix path without its leading '/'
      {"a50300", Error::bad_value},      // p2p: empty multihash
      // go TestInvalidP2PAddrBytes: a sha2-256 multihash claiming 33 digest bytes.
      {"a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6",
       Error::bad_value},
      {"a50312d501103858f62230ac3c915f300c664312c63f", Error::bad_value},  // md5 is no PeerId
      {"d2030100", Error::bad_value},  // certhash: not a multihash
      {"90030a2f612f622f632f642f65"
       "0401020304",
       Error::path_not_last},
      {"0401020304" + std::string(2 * multiaddr::kMaxBytes, '0'), Error::too_long},
  };
  for (const auto& c : cases) {
    auto addr = Multiaddr::from_bytes(*from_hex(c.hex));
    ASSERT_FALSE(addr) << c.hex << " decoded as " << addr->to_string();
    EXPECT_EQ(addr.error(), c.error) << c.hex << ": " << addr.error().message();
  }
}

TEST(Multiaddr, LimitIsExact) {
  // 204 /ip4 components (5 bytes each) and 4 bytes of /dns/ab: exactly kMaxBytes.
  std::string text;
  for (int i = 0; i < 204; ++i) text += "/ip4/1.2.3.4";
  auto at_limit = Multiaddr::parse(text + "/dns/ab");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->bytes().size(), multiaddr::kMaxBytes);
  EXPECT_TRUE(Multiaddr::from_bytes(at_limit->bytes()));
  EXPECT_EQ(Multiaddr::parse(text + "/dns/abc").error(), Error::too_long);
}

TEST(Multiaddr, Components) {
  auto addr = Multiaddr::parse(std::string("/dns4/example.com/tcp/443/wss/p2p/") + kEdPeer);
  ASSERT_TRUE(addr);
  const auto& c = addr->components();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].protocol, Protocol::dns4);
  EXPECT_EQ(as_string(c[0].value), "example.com");
  EXPECT_EQ(c[0].value_text(), "example.com");
  EXPECT_EQ(c[0].name(), "dns4");
  EXPECT_EQ(c[1].protocol, Protocol::tcp);
  EXPECT_EQ(to_hex(c[1].value), "01bb");
  EXPECT_EQ(c[1].value_text(), "443");
  EXPECT_EQ(c[2].protocol, Protocol::wss);
  EXPECT_TRUE(c[2].value.empty());
  EXPECT_EQ(c[2].value_text(), "");
  EXPECT_EQ(c[2].to_string(), "/wss");
  EXPECT_EQ(c[3].protocol, Protocol::p2p);
  EXPECT_EQ(c[3].value_text(), kEdPeer);
  EXPECT_EQ(c[3].to_string(), std::string("/p2p/") + kEdPeer);
  EXPECT_EQ(*base58::decode(kEdPeer), c[3].value);
}

TEST(Multiaddr, FromComponentsValidates) {
  auto ok = Multiaddr::from_components(
      {{Protocol::ip4, {10, 0, 0, 1}}, {Protocol::udp, {0x11, 0x5c}}, {Protocol::quic_v1, {}}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->to_string(), "/ip4/10.0.0.1/udp/4444/quic-v1");
  EXPECT_TRUE(Multiaddr::from_components({}));
  EXPECT_TRUE(Multiaddr::from_components({})->empty());
  EXPECT_EQ(Multiaddr::from_components({{Protocol::ip4, {10, 0, 0}}}).error(), Error::bad_value);
  EXPECT_EQ(Multiaddr::from_components({{Protocol::ws, {1}}}).error(), Error::bad_value);
  EXPECT_EQ(Multiaddr::from_components({{Protocol::dns, {}}}).error(), Error::bad_value);
  EXPECT_EQ(Multiaddr::from_components({{Protocol::p2p, {0x12, 0x00}}}).error(), Error::bad_value);
  EXPECT_EQ(Multiaddr::from_components({{static_cast<Protocol>(33), {0, 1}}}).error(),
            Error::unknown_protocol);
  EXPECT_EQ(
      Multiaddr::from_components({{Protocol::unix_socket, to_bytes("/a")}, {Protocol::ws, {}}})
          .error(),
      Error::path_not_last);
  std::vector<MultiaddrComponent> many(300, {Protocol::ip4, {1, 2, 3, 4}});
  EXPECT_EQ(Multiaddr::from_components(many).error(), Error::too_long);
  // A hand-made invalid component still prints, as hex.
  MultiaddrComponent bad{Protocol::ip4, {1, 2}};
  EXPECT_EQ(bad.to_string(), "/ip4/0102");
}

TEST(Multiaddr, TcpHelpers) {
  EXPECT_EQ(Multiaddr::tcp(std::array<std::uint8_t, 4>{127, 0, 0, 1}, 4001).to_string(),
            "/ip4/127.0.0.1/tcp/4001");
  std::array<std::uint8_t, 16> loopback{};
  loopback[15] = 1;
  EXPECT_EQ(Multiaddr::tcp(loopback, 80).to_string(), "/ip6/::1/tcp/80");
  EXPECT_EQ(Multiaddr::tcp("192.168.1.2", 65535).to_string(), "/ip4/192.168.1.2/tcp/65535");
  EXPECT_EQ(Multiaddr::tcp(std::string("fe80::1"), 0).to_string(), "/ip6/fe80::1/tcp/0");
  EXPECT_EQ(Multiaddr::tcp("::ffff:1.2.3.4", 1).to_string(), "/ip6/::ffff:1.2.3.4/tcp/1");
  EXPECT_THROW(Multiaddr::tcp("example.com", 1), std::invalid_argument);
  EXPECT_THROW(Multiaddr::tcp("1.2.3.4.5", 1), std::invalid_argument);
  EXPECT_THROW(Multiaddr::tcp("[::1]", 1), std::invalid_argument);
}

TEST(Multiaddr, TcpAddress) {
  struct Case {
    const char* text;
    std::optional<TcpAddress> expected;
  } cases[] = {
      {"/ip4/127.0.0.1/tcp/4001", TcpAddress{"127.0.0.1", TcpAddress::Kind::ip4, 4001}},
      {"/ip6/::1/tcp/80", TcpAddress{"::1", TcpAddress::Kind::ip6, 80}},
      {"/dns/example.com/tcp/443", TcpAddress{"example.com", TcpAddress::Kind::dns, 443}},
      {"/dns4/a.example/tcp/1", TcpAddress{"a.example", TcpAddress::Kind::dns4, 1}},
      {"/dns6/b.example/tcp/0", TcpAddress{"b.example", TcpAddress::Kind::dns6, 0}},
      {"/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
       TcpAddress{"1.2.3.4", TcpAddress::Kind::ip4, 4001}},
      {"/ip4/1.2.3.4/udp/4001", std::nullopt},
      {"/ip4/1.2.3.4/tcp/4001/ws", std::nullopt},
      {"/ip4/1.2.3.4/tcp/4001/tls", std::nullopt},
      {"/dnsaddr/example.com/tcp/4001", std::nullopt},
      {"/ip4/1.2.3.4", std::nullopt},
      {"/tcp/4001", std::nullopt},
      {"/ip4/1.2.3.4/tcp/1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit",
       std::nullopt},
      {"/ip4/1.2.3.4/tcp/1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit/p2p/"
       "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
       std::nullopt},
      {"/ip6zone/eth0/ip6/fe80::1/tcp/1", std::nullopt},
  };
  for (const auto& c : cases) {
    auto addr = Multiaddr::parse(c.text);
    ASSERT_TRUE(addr) << c.text;
    EXPECT_EQ(addr->tcp_address(), c.expected) << c.text;
  }
}

TEST(Multiaddr, PeerIdAndEncapsulation) {
  auto base = Multiaddr::parse("/ip4/1.2.3.4/tcp/4001");
  ASSERT_TRUE(base);
  EXPECT_FALSE(base->peer_id_multihash());
  EXPECT_EQ(base->without_peer_id(), *base);

  auto p2p = Multiaddr::p2p(*from_hex(kQmPeerHex));
  ASSERT_TRUE(p2p);
  EXPECT_EQ(Multiaddr::p2p(*from_hex("d501103858f62230ac3c915f300c664312c63f")).error(),
            Error::bad_value);
  Multiaddr full = base->encapsulate(*p2p);
  EXPECT_EQ(full.to_string(), std::string("/ip4/1.2.3.4/tcp/4001/p2p/") + kQmPeer);
  EXPECT_EQ(full, *Multiaddr::parse(full.to_string()));
  ASSERT_TRUE(full.peer_id_multihash());
  EXPECT_EQ(to_hex(*full.peer_id_multihash()), kQmPeerHex);
  EXPECT_EQ(full.without_peer_id(), *base);
  EXPECT_EQ(full.without_peer_id().bytes(), base->bytes());
  EXPECT_EQ(Multiaddr().encapsulate(full), full);
  EXPECT_EQ(full.encapsulate(Multiaddr()), full);
  EXPECT_TRUE(p2p->without_peer_id().empty());
  EXPECT_EQ(p2p->without_peer_id().to_string(), "");

  // Through a relay: the trailing /p2p is the target, the relay's is not.
  auto circuit = Multiaddr::parse(std::string("/ip4/1.2.3.4/tcp/4001/p2p/") + kQmPeer +
                                  "/p2p-circuit/p2p/" + kEdPeer);
  ASSERT_TRUE(circuit);
  EXPECT_EQ(*circuit->peer_id_multihash(), *base58::decode(kEdPeer));
  auto relay_only = circuit->without_peer_id();
  EXPECT_EQ(relay_only.to_string(),
            std::string("/ip4/1.2.3.4/tcp/4001/p2p/") + kQmPeer + "/p2p-circuit");
  EXPECT_FALSE(relay_only.peer_id_multihash());

  auto unix_addr = Multiaddr::parse("/unix/tmp/sock");
  ASSERT_TRUE(unix_addr);
  EXPECT_THROW((void)unix_addr->encapsulate(*p2p), std::invalid_argument);
  EXPECT_EQ(unix_addr->encapsulate(Multiaddr()), *unix_addr);
}

TEST(Multiaddr, EqualityHashAndOrder) {
  auto a = *Multiaddr::parse("/ip4/1.2.3.4/tcp/1");
  auto b = *Multiaddr::parse("/ip4/1.2.3.4/tcp/1/");
  auto c = *Multiaddr::parse("/ip4/1.2.3.4/tcp/2");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(a < c);
  std::unordered_set<Multiaddr> set{a, b, c};
  EXPECT_EQ(set.size(), 2u);
}

// Random valid components, for the round-trip properties.
rc::Gen<MultiaddrComponent> gen_component() {
  using rc::gen::arbitrary;
  using rc::gen::container;
  using rc::gen::inRange;
  auto bytes_of = [](std::size_t min, std::size_t max) {
    return rc::gen::mapcat(inRange(min, max + 1), [](std::size_t n) {
      return container<Bytes>(n, arbitrary<std::uint8_t>());
    });
  };
  auto name = rc::gen::map(bytes_of(1, multiaddr::kMaxNameLength), [](Bytes b) {
    for (auto& c : b)
      if (c == '/') c = '.';
    return b;
  });
  auto peer_id = rc::gen::oneOf(
      rc::gen::map(bytes_of(0, 42), [](Bytes b) { return Multihash::identity(b)->bytes(); }),
      rc::gen::map(bytes_of(32, 32),
                   [](Bytes b) { return Multihash::create(multihash::kSha2_256, b)->bytes(); }));
  auto hash =
      rc::gen::map(rc::gen::pair(inRange<std::uint64_t>(0, 0x10000), bytes_of(0, 64)), [](auto p) {
        if (p.first == multihash::kSha2_256) p.second.resize(32);
        return Multihash::create(p.first, p.second)->bytes();
      });
  auto of = [](Protocol p, rc::Gen<Bytes> value) {
    return rc::gen::map(std::move(value), [p](Bytes v) { return MultiaddrComponent{p, v}; });
  };
  auto none = [&](Protocol p) { return of(p, rc::gen::just(Bytes{})); };
  return rc::gen::oneOf(
      of(Protocol::ip4, bytes_of(4, 4)), of(Protocol::ip6, bytes_of(16, 16)),
      of(Protocol::tcp, bytes_of(2, 2)), of(Protocol::udp, bytes_of(2, 2)), of(Protocol::dns, name),
      of(Protocol::dns4, name), of(Protocol::dns6, name), of(Protocol::dnsaddr, name),
      of(Protocol::sni, name), of(Protocol::ip6zone, name), of(Protocol::p2p, peer_id),
      of(Protocol::certhash, hash), none(Protocol::p2p_circuit), none(Protocol::ws),
      none(Protocol::wss), none(Protocol::tls), none(Protocol::quic), none(Protocol::quic_v1),
      none(Protocol::webtransport), none(Protocol::webrtc), none(Protocol::webrtc_direct));
}

RC_GTEST_PROP(Multiaddr, BinaryAndTextRoundTrip, ()) {
  auto components = *rc::gen::container<std::vector<MultiaddrComponent>>(*rc::gen::inRange(1, 6),
                                                                         gen_component());
  if (*rc::gen::arbitrary<bool>()) {
    auto path = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
    path.insert(path.begin(), '/');
    components.push_back({Protocol::unix_socket, path});
  }
  auto addr = Multiaddr::from_components(components);
  RC_ASSERT(addr.has_value());
  RC_ASSERT(addr->components() == components);

  auto decoded = Multiaddr::from_bytes(addr->bytes());
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == *addr);
  RC_ASSERT(decoded->components() == components);

  auto parsed = Multiaddr::parse(addr->to_string());
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == *addr);
  RC_ASSERT(parsed->to_string() == addr->to_string());
}

}  // namespace
}  // namespace meshchat
