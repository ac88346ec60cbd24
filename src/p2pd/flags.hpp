// Command-line flags of `meshchat p2pd`, parsed with the semantics of Go's `flag` package so
// that any launcher written for go-libp2p-daemon's p2pd (p2pd/main.go) can start us unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "core/time.hpp"

namespace meshchat::p2pd {

// A flag error with Go's text ("flag provided but not defined: -x"); `help` for -h/-help.
struct FlagError {
  std::string message;
  bool help = false;
};

// Go's flag.FlagSet: `-name`, `--name`, `-name=value`, `-name value` (not for bools), bools as
// `-name` or `-name=<strconv.ParseBool value>`; parsing stops at the first non-flag or `--`.
class FlagSet {
 public:
  explicit FlagSet(std::string program) : program_(std::move(program)) {}

  void add_bool(const std::string& name, bool* target, std::string usage);
  void add_string(const std::string& name, std::string* target, std::string usage);
  void add_int(const std::string& name, std::int64_t* target, std::string usage);
  void add_uint(const std::string& name, std::uint64_t* target, std::string usage);
  void add_duration(const std::string& name, Duration* target, std::string usage);

  // The arguments after the flags, or the first error.
  tl::expected<std::vector<std::string>, FlagError> parse(const std::vector<std::string>& args);
  // Whether the command line named the flag (Go's flag.Visit), whatever its value.
  bool was_set(std::string_view name) const;
  // "Usage of <program>:" and every flag with its type, usage and default, as Go prints them.
  std::string usage() const;

 private:
  using Target = std::variant<bool*, std::string*, std::int64_t*, std::uint64_t*, Duration*>;
  struct Flag {
    Target target;
    std::string usage;
    std::string default_text;
  };
  std::optional<FlagError> set(const std::string& name, Flag& flag, std::string_view value);

  std::string program_;
  std::map<std::string, Flag, std::less<>> flags_;  // sorted, as Go prints them
  std::map<std::string, bool, std::less<>> set_;
};

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view text);
// Go's time.ParseDuration: "300ms", "-1.5h", "2h45m"; units ns, us, µs, ms, s, m, h.
std::optional<Duration> parse_go_duration(std::string_view text);

// Which channel security protocols the host offers, in order of preference. p2pd enables Noise
// and TLS unless told otherwise; plaintext is offered only when the command line asks for it
// (p2pd enables it by default, but an unauthenticated channel must never be a silent default).
struct SecurityChoice {
  bool noise = true;
  bool tls = true;
  bool plaintext = false;
  // "/noise", "/tls/1.0.0", "/plaintext/2.0.0" as enabled, in that order.
  std::vector<std::string> protocols() const;
};

// -dht and -dhtServer run a DHT server (advertised, answering queries); -dhtClient only asks.
enum class DhtChoice { off, client, server };

// What `meshchat p2pd` serves, from p2pd's flags.
struct Config {
  std::string listen = "/unix/tmp/p2pd.sock";  // p2pd's default control endpoint
  bool quiet = false;
  std::string id;                       // private key file; empty: a fresh Ed25519 key
  std::vector<std::string> host_addrs;  // -hostAddrs, split at commas
  bool no_listen = false;
  SecurityChoice security;
  std::string muxer = "yamux";
  bool echo = true;  // p2pd serves /echo/1.0.0 unless -echo=false
  DhtChoice dht = DhtChoice::off;
  // One line per requested feature this daemon cannot serve (it then exits 77 before ready).
  std::vector<std::string> unsupported;
};

// Parses p2pd's flags (args without the program name and subcommand).
tl::expected<Config, FlagError> parse_config(const std::vector<std::string>& args);
// The usage text for -h and flag errors.
std::string config_usage();

}  // namespace meshchat::p2pd
