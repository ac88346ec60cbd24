// The meshchat command: identity management, the node daemon, and diagnostic libp2p clients.
#include <sodium.h>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/p2pd_command.hpp"
#include "meshchat/version.hpp"
#include "node/home.hpp"

namespace meshchat::cli {

std::filesystem::path GlobalOptions::resolved_home() const {
  return node::resolve_home(home);
}

}  // namespace meshchat::cli

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "error: libsodium failed to initialise\n");
    return 1;
  }
  // p2pd's Go-style flags (-name value) do not fit CLI11, so the subcommand parses its own.
  if (argc > 1 && std::string_view(argv[1]) == "p2pd") return meshchat::cli::run_p2pd(argc, argv);
  CLI::App app{"meshchat: a serverless peer-to-peer chat node"};
  app.set_version_flag("--version", meshchat::kVersion);
  app.require_subcommand(1);
  meshchat::cli::GlobalOptions globals;
  app.add_option("--home", globals.home,
                 "Node home directory (default: $MESHCHAT_HOME, $XDG_DATA_HOME/meshchat or "
                 "~/.local/share/meshchat)");
  int exit_code = meshchat::cli::kExitOk;
  meshchat::cli::register_identity_commands(app, globals, exit_code);
  meshchat::cli::register_daemon_command(app, globals, exit_code);
  meshchat::cli::register_diagnostic_commands(app, globals, exit_code);
  meshchat::cli::register_chat_commands(app, globals, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return meshchat::cli::kExitFailure;
  }
  return exit_code;
}
