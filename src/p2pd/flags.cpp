#include "p2pd/flags.hpp"

#include <cmath>
#include <limits>

namespace meshchat::p2pd {

namespace {

// Go's %q for the ASCII text flags carry.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Go's strconv.ParseUint(text, 0, 64) digits: 0x/0o/0b prefixes, a bare leading 0 is octal.
// Go's own errors: "parse error" for bad syntax, "value out of range" for overflow.
std::variant<std::uint64_t, std::string> parse_go_unsigned(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
    base = 8;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
    base = 2;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::string("parse error");
  std::uint64_t value = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0 || digit >= base) return std::string("parse error");
    if (value > (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(digit)) /
                    static_cast<unsigned>(base)) {
      return std::string("value out of range");
    }
    value = value * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
  }
  return value;
}

std::variant<std::int64_t, std::string> parse_go_signed(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto magnitude = parse_go_unsigned(text);
  if (auto* error = std::get_if<std::string>(&magnitude)) return *error;
  auto m = std::get<std::uint64_t>(magnitude);
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (m > kMax + (negative ? 1 : 0)) return std::string("value out of range");
  if (negative) return static_cast<std::int64_t>(0 - m);
  return static_cast<std::int64_t>(m);
}

std::string duration_text(Duration d) {
  // Go prints durations as "2m0s"; whole seconds cover every default p2pd has.
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s == 0) return "0s";
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s >= 60) out += std::to_string(s / 60 % 60) + "m";
  return out + std::to_string(s % 60) + "s";
}

}  // namespace

std::optional<bool> parse_go_bool(std::string_view text) {
  for (auto t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == t) return true;
  }
  for (auto f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == f) return false;
  }
  return std::nullopt;
}

std::optional<Duration> parse_go_duration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration::zero();
  if (text.empty()) return std::nullopt;
  struct Unit {
    std::string_view name;
    double nanoseconds;
  };
  // Longest names first so "ms" is not read as "m".
  static constexpr Unit kUnits[] = {{"ns", 1},          {"us", 1e3},  {"\xC2\xB5s", 1e3},
                                    {"\xCE\xBCs", 1e3}, {"ms", 1e6},  {"s", 1e9},
                                    {"m", 60e9},        {"h", 3600e9}};
  long double total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    std::string digits;
    bool any_digit = false;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
      any_digit = any_digit || text[i] != '.';
      digits += text[i++];
    }
    if (!any_digit || digits.find('.') != digits.rfind('.')) return std::nullopt;
    text.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(0, u.name.size()) == u.name &&
          (unit == nullptr || u.name.size() > unit->name.size())) {
        unit = &u;
      }
    }
    if (unit == nullptr) return std::nullopt;  // Go requires a unit after every number
    text.remove_prefix(unit->name.size());
    total += std::stold(digits) * static_cast<long double>(unit->nanoseconds);
  }
  // Go's Duration is an int64 of nanoseconds.
  if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  auto ns = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(total)));
  return std::chrono::duration_cast<Duration>(negative ? -ns : ns);
}

void FlagSet::add_bool(const std::string& name, bool* target, std::string usage) {
  flags_[name] = {target, std::move(usage), *target ? "true" : "false"};
}

void FlagSet::add_string(const std::string& name, std::string* target, std::string usage) {
  flags_[name] = {target, std::move(usage), quote(*target)};
}

void FlagSet::add_int(const std::string& name, std::int64_t* target, std::string usage) {
  flags_[name] = {target, std::move(usage), std::to_string(*target)};
}

void FlagSet::add_uint(const std::string& name, std::uint64_t* target, std::string usage) {
  flags_[name] = {target, std::move(usage), std::to_string(*target)};
}

void FlagSet::add_duration(const std::string& name, Duration* target, std::string usage) {
  flags_[name] = {target, std::move(usage), duration_text(*target)};
}

std::optional<FlagError> FlagSet::set(const std::string& name, Flag& flag, std::string_view value) {
  auto invalid = [&](const std::string& why) {
    return FlagError{"invalid value " + quote(value) + " for flag -" + name + ": " + why};
  };
  if (auto* b = std::get_if<bool*>(&flag.target)) {
    auto parsed = parse_go_bool(value);
    if (!parsed) {
      return FlagError{"invalid boolean value " + quote(value) + " for -" + name + ": parse error"};
    }
    **b = *parsed;
  } else if (auto* s = std::get_if<std::string*>(&flag.target)) {
    **s = std::string(value);
  } else if (auto* i = std::get_if<std::int64_t*>(&flag.target)) {
    auto parsed = parse_go_signed(value);
    if (auto* error = std::get_if<std::string>(&parsed)) return invalid(*error);
    **i = std::get<std::int64_t>(parsed);
  } else if (auto* u = std::get_if<std::uint64_t*>(&flag.target)) {
    auto parsed = parse_go_unsigned(value);
    if (auto* error = std::get_if<std::string>(&parsed)) return invalid(*error);
    **u = std::get<std::uint64_t>(parsed);
  } else if (auto* d = std::get_if<Duration*>(&flag.target)) {
    auto parsed = parse_go_duration(value);
    if (!parsed) return invalid("parse error");
    **d = *parsed;
  }
  set_[name] = true;
  return std::nullopt;
}

tl::expected<std::vector<std::string>, FlagError> FlagSet::parse(
    const std::vector<std::string>& args) {
  std::size_t i = 0;
  while (i < args.size()) {
    std::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // the first non-flag argument ends the flags
    std::size_t dashes = 1;
    if (arg[1] == '-') {
      dashes = 2;
      if (arg.size() == 2) {  // "--" ends the flags and is consumed
        ++i;
        break;
      }
    }
    std::string_view name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return tl::unexpected(FlagError{"bad flag syntax: " + std::string(arg)});
    }
    ++i;
    std::optional<std::string_view> value;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::string key(name);
    auto it = flags_.find(key);
    if (it == flags_.end()) {
      if (key == "help" || key == "h") return tl::unexpected(FlagError{"", true});
      return tl::unexpected(FlagError{"flag provided but not defined: -" + key});
    }
    Flag& flag = it->second;
    if (std::holds_alternative<bool*>(flag.target)) {
      if (auto error = set(key, flag, value.value_or("true"))) return tl::unexpected(*error);
      continue;
    }
    if (!value) {
      if (i == args.size()) {
        return tl::unexpected(FlagError{"flag needs an argument: -" + key});
      }
      value = args[i++];  // the next argument is the value, even if it starts with '-'
    }
    if (auto error = set(key, flag, *value)) return tl::unexpected(*error);
  }
  return std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
}

bool FlagSet::was_set(std::string_view name) const {
  return set_.find(name) != set_.end();
}

std::string FlagSet::usage() const {
  std::string out = "Usage of " + program_ + ":\n";
  for (const auto& [name, flag] : flags_) {
    out += "  -" + name;
    if (std::holds_alternative<std::string*>(flag.target)) out += " string";
    if (std::holds_alternative<std::int64_t*>(flag.target)) out += " int";
    if (std::holds_alternative<std::uint64_t*>(flag.target)) out += " uint";
    if (std::holds_alternative<Duration*>(flag.target)) out += " duration";
    out += "\n    \t" + flag.usage;
    bool zero = flag.default_text == "false" || flag.default_text == "0" ||
                flag.default_text == "\"\"" || flag.default_text == "0s";
    if (!zero) out += " (default " + flag.default_text + ")";
    out += "\n";
  }
  return out;
}

std::vector<std::string> SecurityChoice::protocols() const {
  std::vector<std::string> out;
  if (noise) out.emplace_back("/noise");
  if (tls) out.emplace_back("/tls/1.0.0");
  if (plaintext) out.emplace_back("/plaintext/2.0.0");
  return out;
}

}  // namespace meshchat::p2pd
