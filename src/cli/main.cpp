// The meshchat command: identity management, the node daemon, and diagnostic libp2p clients.
#include <CLI/CLI.hpp>

#include "meshchat/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"meshchat: a serverless peer-to-peer chat node"};
  app.set_version_flag("--version", meshchat::kVersion);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
