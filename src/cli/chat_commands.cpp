// The chat commands: invite, contacts, send, messages, read, edit, delete, safety-number,
// verify, status, peers, presence, sync and watch. They talk to the running daemon through its
// local API (api.json); without a daemon, the read commands (messages, contacts) read the database
// directly.
#include <chrono>
#include <ctime>
#include <iomanip>

#include "api/client.hpp"
#include "api/error.hpp"
#include "api/target.hpp"
#include "chat/chat_store.hpp"
#include "chat/conversation.hpp"
#include "cli/command.hpp"
#include "crypto/safety_number.hpp"
#include "node/chat/json.hpp"
#include "node/home.hpp"
#include "node/identity.hpp"
#include "node/invite.hpp"

namespace meshchat::cli {

namespace {

using boost::beast::http::verb;
using nlohmann::json;

constexpr const char* kDaemonNeeded = "the daemon is not running (start it with `meshchat daemon`)";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string contact_path(const std::string& contact, std::string_view rest = {}) {
  return "/v1/contacts/" + api::encode_component(contact) + std::string(rest);
}

// Runs one API call; prints the daemon's error message and gives the exit code on failure.
struct Call {
  std::optional<json> body;
  int exit_code = kExitOk;
};

Call call(const GlobalOptions& globals, verb method, const std::string& target,
          const json& body = nullptr) {
  auto home = globals.resolved_home();
  auto client = api::Client::connect(home);
  if (!client) {
    if (client.error() == api::ApiError::not_running)
      return {std::nullopt, report_error(kDaemonNeeded)};
    return {std::nullopt, report_error("cannot reach the daemon", client.error())};
  }
  auto response = client->request(method, target, body);
  if (!response) return {std::nullopt, report_error("daemon request failed", response.error())};
  if (response->status >= 400) {
    std::string message = response->body.is_object() && response->body.contains("error")
                              ? response->body["error"].get<std::string>()
                              : "HTTP " + std::to_string(response->status);
    return {std::nullopt, report_error(message)};
  }
  return {std::move(response->body), kExitOk};
}

// The daemon's API, or nullopt when no daemon runs (the caller falls back to the database).
std::optional<api::Client> daemon_client(const std::filesystem::path& home) {
  auto client = api::Client::connect(home);
  if (!client) return std::nullopt;
  return std::move(*client);
}

Result<chat::ChatStore> open_store(const std::filesystem::path& home) {
  auto identity = node::load_identity(home);
  if (!identity) return fail(identity.error());
  return chat::ChatStore::open(home / node::kDatabaseFileName, identity->peer_id, wall_ms());
}

std::string format_time(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  std::ostringstream out;
  out << std::put_time(&local, "%Y-%m-%d %H:%M:%S");
  return out.str();
}

void print_messages(const json& messages, bool as_json) {
  if (as_json) {
    std::cout << messages.dump(2) << "\n";
    return;
  }
  for (const auto& message : messages) {
    bool out = message["direction"] == "out";
    std::cout << "[" << format_time(message["timestamp"].get<std::int64_t>()) << "] "
              << (out ? "me" : message["author"].get<std::string>().substr(0, 12)) << ": "
              << (message["deleted"].get<bool>() ? "(deleted)" : message["text"].get<std::string>())
              << (message["edited"].get<bool>() ? " (edited)" : "") << "  ["
              << message["status"].get<std::string>() << "] "
              << message["id"].get<std::string>().substr(0, 12) << "\n";
  }
}

void print_contacts(const json& contacts, bool as_json) {
  if (as_json) {
    std::cout << contacts.dump(2) << "\n";
    return;
  }
  if (contacts.empty()) std::cout << "no contacts yet (add one with `meshchat contacts add`)\n";
  for (const auto& contact : contacts) {
    // Daemons before the presence field only said whether the contact is connected.
    auto presence = contact.value("presence", contact["online"].get<bool>() ? "online" : "offline");
    std::cout << contact["display_name"].get<std::string>() << "  "
              << contact["peer_id"].get<std::string>()
              << (presence == "offline" ? "" : "  " + presence)
              << (contact.value("verified", false) ? "  verified" : "") << "\n";
  }
}

// --- offline reads -------------------------------------------------------------------------

int offline_contacts(const std::filesystem::path& home, bool as_json) {
  auto store = open_store(home);
  if (!store) return report_error("cannot open the database", store.error());
  auto contacts = store->contacts();
  if (!contacts) return report_error("cannot read contacts", contacts.error());
  json out = json::array();
  for (const auto& contact : *contacts) out.push_back(node::contact_json(contact, false));
  print_contacts(out, as_json);
  return kExitOk;
}

int offline_messages(const std::filesystem::path& home, const std::string& contact,
                     std::int64_t limit, const std::optional<std::string>& search, bool as_json) {
  auto store = open_store(home);
  if (!store) return report_error("cannot open the database", store.error());
  auto found = store->find_contact(contact);
  if (!found) return report_error(contact, found.error());
  std::optional<crypto::PeerId> peer;
  if (*found)
    peer = (*found)->peer_id;
  else if (auto parsed = crypto::PeerId::parse(contact))
    peer = *parsed;
  if (!peer) return report_error("unknown contact: " + contact);
  chat::MessageQuery query;
  query.conversation = chat::direct_conversation_id(store->self(), *peer);
  query.limit = static_cast<std::size_t>(limit);
  query.search = search;
  auto messages = store->messages(query);
  if (!messages && messages.error() == chat::StoreError::unknown_conversation) {
    // A contact nobody has written to yet has an empty conversation.
    if (!*found) return report_error("unknown contact: " + contact);
    messages = std::vector<chat::MessageRecord>{};
  }
  if (!messages) return report_error("cannot read messages", messages.error());
  json out = json::array();
  for (const auto& message : *messages) out.push_back(node::message_json(message));
  print_messages(out, as_json);
  return kExitOk;
}

// --- commands ------------------------------------------------------------------------------

int run_invite(const GlobalOptions& globals, bool as_json) {
  auto identity = call(globals, verb::get, "/v1/identity");
  if (!identity.body) return identity.exit_code;
  if (as_json) {
    std::cout << json{{"invite", (*identity.body)["invite"]},
                      {"peer_id", (*identity.body)["peer_id"]},
                      {"addresses", (*identity.body)["addresses"]},
                      {"nickname", (*identity.body)["nickname"]}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << (*identity.body)["invite"].get<std::string>() << "\n";
  }
  return kExitOk;
}

int run_contacts_add(const GlobalOptions& globals, const std::string& code,
                     const std::optional<std::string>& name) {
  json body = json::object();
  if (invite::is_invite_token(code)) {
    body["invite"] = code;
  } else if (code.starts_with("/")) {
    body["address"] = code;
  } else if (crypto::PeerId::parse(code)) {
    body["peer_id"] = code;  // found on the local network: `meshchat nearby`
  } else {
    return report_error("not an invite code, a PeerId or a multiaddr with /p2p/: " + code);
  }
  if (name) body["name"] = *name;
  auto added = call(globals, verb::post, "/v1/contacts", body);
  if (!added.body) return added.exit_code;
  std::cout << (*added.body)["peer_id"].get<std::string>() << "\n";
  return kExitOk;
}

int run_contacts_list(const GlobalOptions& globals, bool as_json) {
  auto home = globals.resolved_home();
  auto client = daemon_client(home);
  if (!client) return offline_contacts(home, as_json);
  auto contacts = client->request(verb::get, "/v1/contacts");
  if (!contacts) return report_error("daemon request failed", contacts.error());
  if (contacts->status != 200) return report_error(contacts->body.value("error", "request failed"));
  print_contacts(contacts->body, as_json);
  return kExitOk;
}

int run_messages(const GlobalOptions& globals, const std::string& contact, std::int64_t limit,
                 const std::optional<std::string>& search, bool as_json) {
  auto home = globals.resolved_home();
  auto client = daemon_client(home);
  if (!client) return offline_messages(home, contact, limit, search, as_json);
  std::map<std::string, std::string> query{{"limit", std::to_string(limit)}};
  if (search) query["search"] = *search;
  auto messages =
      client->request(verb::get, api::with_query(contact_path(contact, "/messages"), query));
  if (!messages) return report_error("daemon request failed", messages.error());
  if (messages->status != 200) return report_error(messages->body.value("error", "request failed"));
  print_messages(messages->body, as_json);
  return kExitOk;
}

int print_json_or(const Call& result, bool as_json, const std::function<void(const json&)>& human) {
  if (!result.body) return result.exit_code;
  if (as_json)
    std::cout << result.body->dump(2) << "\n";
  else
    human(*result.body);
  return kExitOk;
}

int run_watch(const GlobalOptions& globals, bool as_json) {
  auto client = api::Client::connect(globals.resolved_home());
  if (!client) {
    if (client.error() == api::ApiError::not_running) return report_error(kDaemonNeeded);
    return report_error("cannot reach the daemon", client.error());
  }
  auto watched = client->watch([as_json](const json& event) {
    if (as_json) {
      std::cout << event.dump() << std::endl;
      return true;
    }
    auto type = event.value("type", "");
    std::cout << type;
    if (type == "message" || type == "message_updated") {
      const auto& message = event["message"];
      std::cout << " " << message["direction"].get<std::string>() << " "
                << message["author"].get<std::string>().substr(0, 12) << ": "
                << message["text"].get<std::string>();
    } else {
      for (const auto& [key, value] : event.items()) {
        if (key != "type")
          std::cout << " " << key << "="
                    << (value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    std::cout << std::endl;
    return true;
  });
  if (!watched && watched.error() != api::ApiError::disconnected) {
    return report_error("event stream failed", watched.error());
  }
  return kExitOk;
}

}  // namespace

void register_chat_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    bool json = false;
    std::string contact;
    std::string text;
    std::string code;
    std::string id;
    std::string status;
    std::optional<std::string> name;
    std::optional<std::string> search;
    std::int64_t limit = 50;
    std::vector<std::string> words;
    bool undo = false;
  };
  auto o = std::make_shared<Options>();
  auto* g = &globals;
  auto* code = &exit_code;

  auto* invite = app.add_subcommand("invite", "Print this node's invite code (daemon must run)");
  invite->add_flag("--json", o->json, "Print JSON");
  invite->callback([=] { *code = run_invite(*g, o->json); });

  auto* contacts = app.add_subcommand("contacts", "List, add and remove contacts");
  contacts->add_flag("--json", o->json, "Print JSON");
  contacts->callback([=] {
    if (contacts->get_subcommands().empty()) *code = run_contacts_list(*g, o->json);
  });
  auto* list = contacts->add_subcommand("list", "List contacts (works without the daemon)");
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([=] { *code = run_contacts_list(*g, o->json); });
  auto* add = contacts->add_subcommand("add", "Add a contact from an invite code or a multiaddr");
  add->add_option("code", o->code,
                  "Invite code, PeerId (of a peer `meshchat nearby` lists), or a multiaddr ending "
                  "in /p2p/<peer-id>")
      ->required();
  add->add_option("--name", o->name, "Your name for this contact");
  add->callback([=] { *code = run_contacts_add(*g, o->code, o->name); });
  auto* remove = contacts->add_subcommand("remove", "Remove a contact (history stays)");
  remove->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  remove->callback([=] {
    auto result = call(*g, verb::delete_, contact_path(o->contact));
    *code = result.exit_code;
  });
  auto* rename = contacts->add_subcommand("rename", "Set your name for a contact");
  rename->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  rename->add_option("name", o->text, "New name (empty to clear)")->required();
  rename->callback([=] {
    json body = {{"name", o->text.empty() ? json() : json(o->text)}};
    *code = call(*g, verb::patch, contact_path(o->contact), body).exit_code;
  });

  auto* send = app.add_subcommand("send", "Send a message; prints its id once stored");
  send->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  send->add_option("text", o->text, "The message")->required();
  send->callback([=] {
    auto sent = call(*g, verb::post, contact_path(o->contact, "/messages"), {{"text", o->text}});
    if (sent.body) std::cout << (*sent.body)["id"].get<std::string>() << "\n";
    *code = sent.exit_code;
  });

  auto* messages = app.add_subcommand("messages", "Show a conversation (works without the daemon)");
  messages->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  messages->add_flag("--json", o->json, "Print a JSON array, oldest first");
  messages->add_option("--limit", o->limit, "The newest N messages (default 50)")
      ->check(CLI::Range(1, 1000));
  messages->add_option("--search", o->search, "Only messages containing these words");
  messages->callback([=] { *code = run_messages(*g, o->contact, o->limit, o->search, o->json); });

  auto* read = app.add_subcommand("read", "Mark a conversation read (sends read receipts)");
  read->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  read->callback([=] {
    auto result = call(*g, verb::post, contact_path(o->contact, "/read"), json::object());
    if (result.body)
      std::cout << (*result.body)["read"].get<std::int64_t>() << " message(s) read\n";
    *code = result.exit_code;
  });

  auto* edit = app.add_subcommand("edit", "Edit one of your messages");
  edit->add_option("id", o->id, "Message id (64 hex digits)")->required();
  edit->add_option("text", o->text, "The new text")->required();
  edit->callback([=] {
    *code = call(*g, verb::put, "/v1/messages/" + api::encode_component(o->id), {{"text", o->text}})
                .exit_code;
  });
  auto* erase = app.add_subcommand("delete", "Delete one of your messages");
  erase->add_option("id", o->id, "Message id (64 hex digits)")->required();
  erase->callback([=] {
    *code = call(*g, verb::delete_, "/v1/messages/" + api::encode_component(o->id)).exit_code;
  });

  auto* safety = app.add_subcommand(
      "safety-number", "Show the safety number to compare with a contact (in person or by call)");
  safety->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  safety->add_flag("--json", o->json, "Print JSON");
  safety->callback([=] {
    auto shown = call(*g, verb::get, contact_path(o->contact, "/safety-number"));
    *code = print_json_or(shown, o->json, [](const json& s) {
      std::cout << crypto::format_safety_number(s["safety_number"].get<std::string>()) << "\n"
                << (s["verified"].get<bool>() ? "verified\n" : "not verified\n");
    });
  });
  auto* verify = app.add_subcommand(
      "verify", "Mark a contact verified once its safety number matches the one it shows you");
  verify->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  verify->add_option("number", o->words, "The 60 digits the contact reads out (spaces allowed)");
  verify->add_flag("--undo", o->undo, "Mark the contact not verified");
  verify->callback([=] {
    if (o->undo) {
      *code = call(*g, verb::delete_, contact_path(o->contact, "/verify")).exit_code;
      return;
    }
    if (o->words.empty()) {
      *code = report_error("give the contact's safety number (or --undo)");
      return;
    }
    std::string number;
    for (const auto& word : o->words) number += word + " ";
    auto verified =
        call(*g, verb::post, contact_path(o->contact, "/verify"), {{"safety_number", number}});
    if (verified.body)
      std::cout << "verified " << (*verified.body)["display_name"].get<std::string>() << "\n";
    *code = verified.exit_code;
  });

  auto* status = app.add_subcommand("status", "Show the daemon's status");
  status->add_flag("--json", o->json, "Print JSON");
  status->callback([=] {
    *code = print_json_or(call(*g, verb::get, "/v1/status"), o->json, [](const json& s) {
      std::cout << "peer id      " << s["peer_id"].get<std::string>() << "\n"
                << "nickname     " << s["nickname"].get<std::string>() << "\n"
                << "version      " << s["version"].get<std::string>() << "\n"
                << "connections  " << s["connections"] << "\n"
                << "contacts     " << s["contacts"] << "\n"
                << "queued       " << s["outbox"] << "\n"
                << "dht          " << s["dht"]["mode"].get<std::string>() << ", "
                << s["dht"]["routing_table"] << " peer(s) in the routing table\n";
    });
  });

  auto* peers = app.add_subcommand("peers", "List connected peers");
  peers->add_flag("--json", o->json, "Print JSON");
  peers->callback([=] {
    *code = print_json_or(call(*g, verb::get, "/v1/peers"), o->json, [](const json& list) {
      if (list.empty()) std::cout << "no connected peers\n";
      for (const auto& peer : list) {
        std::cout << peer["peer_id"].get<std::string>();
        for (const auto& connection : peer["connections"]) {
          std::cout << "  " << connection["address"].get<std::string>();
        }
        std::cout << "\n";
      }
    });
  });

  auto* nearby = app.add_subcommand("nearby", "List peers found on the local network (mDNS)");
  nearby->add_flag("--json", o->json, "Print JSON");
  nearby->callback([=] {
    *code = print_json_or(call(*g, verb::get, "/v1/nearby"), o->json, [](const json& list) {
      if (list.empty()) std::cout << "nobody found on the local network yet\n";
      for (const auto& peer : list) {
        std::cout << peer["peer_id"].get<std::string>();
        if (peer["known"].get<bool>()) std::cout << "  (contact)";
        for (const auto& address : peer["addresses"]) {
          std::cout << "  " << address.get<std::string>();
        }
        std::cout << "\n";
      }
    });
  });

  auto* presence =
      app.add_subcommand("presence", "Show or set your presence (online or away) for contacts");
  presence->add_option("status", o->status, "online or away (omit to show the current one)")
      ->check(CLI::IsMember({"online", "away"}));
  presence->add_flag("--json", o->json, "Print JSON");
  presence->callback([=] {
    auto result = o->status.empty() ? call(*g, verb::get, "/v1/presence")
                                    : call(*g, verb::put, "/v1/presence", {{"status", o->status}});
    *code = print_json_or(result, o->json, [](const json& answer) {
      std::cout << answer["status"].get<std::string>() << "\n";
    });
  });

  auto* sync = app.add_subcommand("sync", "Reconcile history with a contact now");
  sync->add_option("contact", o->contact, "Name, nickname or PeerId")->required();
  sync->add_flag("--json", o->json, "Print JSON");
  sync->callback([=] {
    *code = print_json_or(call(*g, verb::post, contact_path(o->contact, "/sync"), json::object()),
                          o->json, [](const json& s) {
                            std::cout << "received " << s["received"] << ", sent " << s["sent"]
                                      << " message(s) in " << s["rounds"] << " round(s)\n";
                          });
  });

  auto* watch = app.add_subcommand("watch", "Print events as they happen (until interrupted)");
  watch->add_flag("--json", o->json, "One JSON object per line");
  watch->callback([=] { *code = run_watch(*g, o->json); });
}

}  // namespace meshchat::cli
