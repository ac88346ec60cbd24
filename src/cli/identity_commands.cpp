// `meshchat init` and `meshchat id`.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "node/identity.hpp"

namespace meshchat::cli {

namespace {

struct InitOptions {
  std::string nickname;
};

int run_init(const GlobalOptions& globals, const InitOptions& options) {
  auto home = globals.resolved_home();
  auto identity = node::create_identity(home, options.nickname);
  if (!identity) return report_error(home.string(), identity.error());
  std::cout << identity->peer_id.to_base58() << std::endl;
  return kExitOk;
}

struct IdOptions {
  bool json = false;
};

int run_id(const GlobalOptions& globals, const IdOptions& options) {
  auto home = globals.resolved_home();
  auto identity = node::load_identity(home);
  if (!identity) return report_error(home.string(), identity.error());
  if (options.json) {
    nlohmann::json out = {{"peerId", identity->peer_id.to_base58()},
                          {"nickname", identity->nickname}};
    std::cout << out.dump() << std::endl;
  } else {
    std::cout << identity->peer_id.to_base58() << "\n";
    std::cout << "nickname: " << identity->nickname << std::endl;
  }
  return kExitOk;
}

}  // namespace

void register_identity_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto init_options = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init", "Create this device's identity and print its PeerId");
  init->add_option("--nickname", init_options->nickname, "Name shown to contacts");
  init->callback(
      [&globals, &exit_code, init_options] { exit_code = run_init(globals, *init_options); });

  auto id_options = std::make_shared<IdOptions>();
  auto* id = app.add_subcommand("id", "Print this node's PeerId and nickname");
  id->add_flag("--json", id_options->json, "Print JSON");
  id->callback([&globals, &exit_code, id_options] { exit_code = run_id(globals, *id_options); });
}

}  // namespace meshchat::cli
