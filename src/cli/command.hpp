// Shared plumbing of the meshchat subcommands: global options, error output, and running a
// coroutine on a short-lived io_context with an overall timeout.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::cli {

struct GlobalOptions {
  std::optional<std::string> home;
  std::filesystem::path resolved_home() const;
};

// Exit codes: 0 ok, 1 operation failed, 2 usage error (CLI11 uses its own codes for parse errors).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

// Prints "error: <context>: <message>" (or without context) on one line of stderr.
int report_error(const std::string& context, const std::error_code& error);
int report_error(const std::string& message);

// Sets up logging on stderr at `level` ("off", "error", "warn", "info", "debug").
void configure_logging(const std::string& level);

// Runs `op` to completion on `io`; the result or the exception that escaped.
template <class T>
Result<T> run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<Result<T>> op) {
  std::optional<Result<T>> outcome;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, Result<T> r) {
    failure = e;
    if (!e) outcome = std::move(r);
    io.stop();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*outcome);
}

void register_identity_commands(CLI::App& app, GlobalOptions& globals, int& exit_code);
void register_daemon_command(CLI::App& app, GlobalOptions& globals, int& exit_code);
void register_diagnostic_commands(CLI::App& app, GlobalOptions& globals, int& exit_code);
void register_chat_commands(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace meshchat::cli
