#include "store/error.hpp"

#include <sqlite3.h>

#include <string>

namespace meshchat::store {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::newer_schema:
      return "database was created by a newer meshchat";
    case Error::wal_unavailable:
      return "database cannot use write-ahead logging";
    case Error::home_in_use:
      return "another meshchat daemon is using this home directory";
  }
  return "unknown store error";
}

class SqliteCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sqlite"; }
  std::string message(int value) const override { return sqlite3_errstr(value); }
};
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "store", describe)

const std::error_category& sqlite_category() noexcept {
  static const SqliteCategory category;
  return category;
}

int sqlite_primary_code(const std::error_code& ec) noexcept {
  // Extended codes keep the primary code in the low byte (sqlite.org/rescode.html).
  return ec.category() == sqlite_category() ? (ec.value() & 0xff) : 0;
}

}  // namespace meshchat::store
