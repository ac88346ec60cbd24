// Test helpers: the single value a one-row query yields (a count, a setting, a column), with
// the SQL error in the failure message when it does not yield one.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "store/database.hpp"

namespace meshchat::store::testing {

inline std::int64_t query_int(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st) << db.last_error_message();
  if (!st) return -1;
  auto row = st->step();
  EXPECT_TRUE(row && *row) << db.last_error_message();
  return row && *row ? st->column_int64(0) : -1;
}

inline std::string query_text(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st) << db.last_error_message();
  if (!st) return {};
  auto row = st->step();
  EXPECT_TRUE(row && *row) << db.last_error_message();
  return row && *row ? st->column_text(0) : std::string();
}

}  // namespace meshchat::store::testing
