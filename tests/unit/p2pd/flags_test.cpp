#include <gtest/gtest.h>

#include "p2pd/flags.hpp"

namespace meshchat::p2pd {
namespace {

struct Fixture {
  bool b = false;
  bool t = true;
  std::string s = "default";
  std::int64_t i = 7;
  std::uint64_t u = 0;
  Duration d{};
  FlagSet set{"test"};
  Fixture() {
    set.add_bool("b", &b, "a bool");
    set.add_bool("t", &t, "a bool that defaults to true");
    set.add_string("s", &s, "a string");
    set.add_int("i", &i, "an int");
    set.add_uint("u", &u, "a uint");
    set.add_duration("d", &d, "a duration");
  }
};

TEST(FlagSet, EveryForm) {
  Fixture f;
  auto rest = f.set.parse(
      {"-b", "--s", "x", "-i=-3", "--u=0x10", "-d", "1m30s", "-t=false", "positional", "-b"});
  ASSERT_TRUE(rest.has_value()) << rest.error().message;
  EXPECT_TRUE(f.b);
  EXPECT_FALSE(f.t);
  EXPECT_EQ(f.s, "x");
  EXPECT_EQ(f.i, -3);
  EXPECT_EQ(f.u, 16u);
  EXPECT_EQ(f.d, std::chrono::seconds(90));
  EXPECT_EQ(*rest, (std::vector<std::string>{"positional", "-b"}));  // flags end at a non-flag
  EXPECT_TRUE(f.set.was_set("s"));
  EXPECT_FALSE(Fixture().set.was_set("s"));
}

TEST(FlagSet, ValueMayStartWithDashAndDoubleDashEndsFlags) {
  Fixture f;
  auto rest = f.set.parse({"-s", "-b", "--", "-i", "1"});
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(f.s, "-b");
  EXPECT_FALSE(f.b);
  EXPECT_EQ(*rest, (std::vector<std::string>{"-i", "1"}));
  Fixture g;
  EXPECT_EQ(*g.set.parse({"-", "-b"}), (std::vector<std::string>{"-", "-b"}));
}

TEST(FlagSet, BoolTakesNoSeparateValue) {
  Fixture f;
  auto rest = f.set.parse({"-b", "false"});
  ASSERT_TRUE(rest.has_value());
  EXPECT_TRUE(f.b);
  EXPECT_EQ(*rest, std::vector<std::string>{"false"});
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"})
    EXPECT_EQ(parse_go_bool(yes), true);
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"})
    EXPECT_EQ(parse_go_bool(no), false);
  EXPECT_FALSE(parse_go_bool("yes"));
}

TEST(FlagSet, GoErrorTexts) {
  auto error = [](std::vector<std::string> args) {
    Fixture f;
    auto r = f.set.parse(args);
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(error({"-x"}), "flag provided but not defined: -x");
  EXPECT_EQ(error({"--nope=1"}), "flag provided but not defined: -nope");
  EXPECT_EQ(error({"-s"}), "flag needs an argument: -s");
  EXPECT_EQ(error({"-b=maybe"}), "invalid boolean value \"maybe\" for -b: parse error");
  EXPECT_EQ(error({"-i", "ten"}), "invalid value \"ten\" for flag -i: parse error");
  EXPECT_EQ(error({"-i", "9223372036854775808"}),
            "invalid value \"9223372036854775808\" for flag -i: value out of range");
  EXPECT_EQ(error({"-u=-1"}), "invalid value \"-1\" for flag -u: parse error");
  EXPECT_EQ(error({"-d", "10"}), "invalid value \"10\" for flag -d: parse error");
  EXPECT_EQ(error({"---b"}), "bad flag syntax: ---b");
  EXPECT_EQ(error({"-=x"}), "bad flag syntax: -=x");
  Fixture f;
  auto help = f.set.parse({"-h"});
  ASSERT_FALSE(help.has_value());
  EXPECT_TRUE(help.error().help);
}

TEST(FlagSet, IntegerBases) {
  Fixture f;
  ASSERT_TRUE(f.set.parse({"-i=0x1f"}).has_value());
  EXPECT_EQ(f.i, 31);
  ASSERT_TRUE(f.set.parse({"-i=010"}).has_value());
  EXPECT_EQ(f.i, 8);
  ASSERT_TRUE(f.set.parse({"-i=-9223372036854775808"}).has_value());
  EXPECT_EQ(f.i, std::numeric_limits<std::int64_t>::min());
}

TEST(FlagSet, Durations) {
  using namespace std::chrono;
  EXPECT_EQ(parse_go_duration("0"), Duration::zero());
  EXPECT_EQ(parse_go_duration("300ms"), milliseconds(300));
  EXPECT_EQ(parse_go_duration("-1.5h"), -minutes(90));
  EXPECT_EQ(parse_go_duration("2h45m"), minutes(165));
  EXPECT_EQ(parse_go_duration("1us"), microseconds(1));
  EXPECT_EQ(parse_go_duration("1\xC2\xB5s"), microseconds(1));
  EXPECT_FALSE(parse_go_duration(""));
  EXPECT_FALSE(parse_go_duration("1"));
  EXPECT_FALSE(parse_go_duration("1.2.3s"));
  EXPECT_FALSE(parse_go_duration("s"));
  EXPECT_FALSE(parse_go_duration("9999999999h"));
}

TEST(FlagSet, UsageListsFlagsWithDefaults) {
  Fixture f;
  auto usage = f.set.usage();
  EXPECT_NE(usage.find("Usage of test:\n"), std::string::npos);
  EXPECT_NE(usage.find("  -s string\n    \ta string (default \"default\")\n"), std::string::npos);
  EXPECT_NE(usage.find("  -b\n    \ta bool\n"), std::string::npos);
}

TEST(P2pdConfig, InteropLauncherFlags) {
  // What the js-libp2p interop runner passes to p2pd for a TCP/Noise/yamux peer.
  auto c = parse_config({"-listen=/ip4/127.0.0.1/tcp/40123", "-hostAddrs=/ip4/127.0.0.1/tcp/0",
                         "-noise=true", "-id=/tmp/key", "-muxer=yamux"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->listen, "/ip4/127.0.0.1/tcp/40123");
  EXPECT_EQ(c->host_addrs, std::vector<std::string>{"/ip4/127.0.0.1/tcp/0"});
  EXPECT_EQ(c->id, "/tmp/key");
  EXPECT_TRUE(c->unsupported.empty());
  EXPECT_EQ(c->security.protocols(), (std::vector<std::string>{"/noise", "/tls/1.0.0"}));
}

TEST(P2pdConfig, Defaults) {
  auto c = parse_config({});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->listen, "/unix/tmp/p2pd.sock");
  EXPECT_FALSE(c->quiet);
  EXPECT_TRUE(c->host_addrs.empty());
  EXPECT_TRUE(c->echo);
  EXPECT_FALSE(c->security.plaintext);
  EXPECT_TRUE(c->unsupported.empty());  // relay is on by default in p2pd, but not asked for
}

TEST(P2pdConfig, SecurityChoice) {
  auto c = parse_config({"-plaintext", "-noise=false", "-tls=false"});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->security.protocols(), std::vector<std::string>{"/plaintext/2.0.0"});
}

TEST(P2pdConfig, HostAddrsSplitAtCommas) {
  auto c = parse_config({"-hostAddrs", "/ip4/127.0.0.1/tcp/0,/ip6/::1/tcp/0", "-noListenAddrs"});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host_addrs.size(), 2u);
  EXPECT_TRUE(c->no_listen);
}

TEST(P2pdConfig, UnservableFeaturesAreReported) {
  for (auto args : std::vector<std::vector<std::string>>{{"-pubsub"},
                                                         {"-relay"},
                                                         {"-muxer=mplex"},
                                                         {"-connManager"},
                                                         {"-b"},
                                                         {"-f", "conf.json"}}) {
    auto c = parse_config(args);
    ASSERT_TRUE(c.has_value()) << args[0];
    EXPECT_EQ(c->unsupported.size(), 1u) << args[0];
  }
  auto relay_off = parse_config({"-relay=false", "-pubsubRouter=floodsub"});
  ASSERT_TRUE(relay_off.has_value());
  EXPECT_TRUE(relay_off->unsupported.empty());
}

TEST(P2pdConfig, DhtFlagsChooseTheMode) {
  EXPECT_EQ(parse_config({})->dht, DhtChoice::off);
  EXPECT_EQ(parse_config({"-dht"})->dht, DhtChoice::server);
  EXPECT_EQ(parse_config({"-dhtServer"})->dht, DhtChoice::server);
  EXPECT_EQ(parse_config({"-dhtClient=true"})->dht, DhtChoice::client);
  EXPECT_EQ(parse_config({"-dht=false"})->dht, DhtChoice::off);
  for (auto flag : {"-dht", "-dhtServer", "-dhtClient"}) {
    EXPECT_TRUE(parse_config({flag})->unsupported.empty()) << flag;
  }
}

TEST(P2pdConfig, UnknownFlag) {
  auto c = parse_config({"-listen", "/unix/tmp/s", "-webtransport"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "flag provided but not defined: -webtransport");
}

}  // namespace
}  // namespace meshchat::p2pd
