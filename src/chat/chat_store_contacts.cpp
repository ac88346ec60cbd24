// ChatStore contacts and the addresses peers were seen at.
#include <algorithm>
#include <cctype>

#include "chat/chat_store.hpp"
#include "chat/chat_store_rows.hpp"

namespace meshchat::chat {

namespace {

constexpr std::string_view kContactColumns = "peer_id, name, nickname, added_at, verified";

Result<ContactRecord> read_contact(const store::Statement& statement) {
  auto peer = crypto::PeerId::from_bytes(statement.column_blob(0));
  if (!peer) return fail(peer.error());
  std::optional<std::string> nickname;
  if (!statement.column_is_null(2)) nickname = statement.column_text(2);
  return ContactRecord{.peer_id = std::move(*peer),
                       .name = statement.column_text(1),
                       .nickname = std::move(nickname),
                       .added_at_ms = statement.column_int64(3),
                       .addresses = {},
                       .verified = statement.column_int64(4) != 0};
}

std::string folded(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<void> ChatStore::add_contact(const ContactRecord& contact, std::int64_t now_ms) {
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  auto upsert = db_.prepare(
      "INSERT INTO contacts (peer_id, name, nickname, added_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (peer_id) DO UPDATE SET name = excluded.name,"
      " nickname = coalesce(excluded.nickname, nickname)");
  if (!upsert) return fail(upsert.error());
  upsert->bind_blob(1, contact.peer_id.bytes()).bind_text(2, contact.name);
  if (contact.nickname) {
    upsert->bind_text(3, *contact.nickname);
  } else {
    upsert->bind_null(3);
  }
  upsert->bind_int64(4, now_ms);
  if (auto r = upsert->run(); !r) return fail(r.error());
  if (auto r = record_addresses(contact.peer_id, contact.addresses, now_ms); !r) {
    return fail(r.error());
  }
  return scope->commit();
}

Result<std::vector<Multiaddr>> ChatStore::load_addresses(const crypto::PeerId& peer) {
  auto select = db_.prepare(
      "SELECT address FROM peer_addresses WHERE peer_id = ?"
      " ORDER BY last_seen_at DESC, address LIMIT ?");
  if (!select) return fail(select.error());
  select->bind_blob(1, peer.bytes()).bind_int64(2, kMaxAddressesPerPeer);
  std::vector<Multiaddr> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    // An address a newer multiaddr table wrote but this build cannot parse is only skipped:
    // the others still work.
    if (auto address = Multiaddr::from_bytes(select->column_blob(0))) {
      out.push_back(std::move(*address));
    }
  }
  return out;
}

Result<ContactRecord> ChatStore::contact_with_addresses(ContactRecord contact) {
  auto addresses = load_addresses(contact.peer_id);
  if (!addresses) return fail(addresses.error());
  contact.addresses = std::move(*addresses);
  return contact;
}

Result<std::vector<ContactRecord>> ChatStore::contacts() {
  std::vector<ContactRecord> out;
  {
    auto select =
        db_.prepare(std::string("SELECT ") + std::string(kContactColumns) + " FROM contacts");
    if (!select) return fail(select.error());
    for (;;) {
      auto row = select->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      auto contact = read_contact(*select);
      if (!contact) return fail(contact.error());
      out.push_back(std::move(*contact));
    }
  }
  for (ContactRecord& contact : out) {
    auto addresses = load_addresses(contact.peer_id);
    if (!addresses) return fail(addresses.error());
    contact.addresses = std::move(*addresses);
  }
  std::vector<std::pair<std::string, std::size_t>> keys;
  keys.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) keys.emplace_back(folded(out[i].display_name()), i);
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return out[a.second].peer_id < out[b.second].peer_id;
  });
  std::vector<ContactRecord> sorted;
  sorted.reserve(out.size());
  for (const auto& key : keys) sorted.push_back(std::move(out[key.second]));
  return sorted;
}

Result<std::optional<ContactRecord>> ChatStore::contact(const crypto::PeerId& peer) {
  auto select = db_.prepare(std::string("SELECT ") + std::string(kContactColumns) +
                            " FROM contacts WHERE peer_id = ?");
  if (!select) return fail(select.error());
  auto row = select->bind_blob(1, peer.bytes()).step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<ContactRecord>();
  auto contact = read_contact(*select);
  if (!contact) return fail(contact.error());
  select->reset();
  auto full = contact_with_addresses(std::move(*contact));
  if (!full) return fail(full.error());
  return std::optional<ContactRecord>(std::move(*full));
}

Result<std::optional<ContactRecord>> ChatStore::find_contact(std::string_view name_or_peer_id) {
  if (auto peer = crypto::PeerId::parse(name_or_peer_id)) {
    auto found = contact(*peer);
    if (!found) return fail(found.error());
    if (*found) return found;
  }
  // The nickname is the user's own choice, so it outranks what the peer calls itself.
  for (std::string_view column : {"nickname", "name"}) {
    auto select = db_.prepare(std::string("SELECT ") + std::string(kContactColumns) +
                              " FROM contacts WHERE " + std::string(column) + " = ? LIMIT 2");
    if (!select) return fail(select.error());
    select->bind_text(1, name_or_peer_id);
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) continue;
    auto contact = read_contact(*select);
    if (!contact) return fail(contact.error());
    row = select->step();
    if (!row) return fail(row.error());
    if (*row) return fail(StoreError::ambiguous_contact);
    select->reset();
    auto full = contact_with_addresses(std::move(*contact));
    if (!full) return fail(full.error());
    return std::optional<ContactRecord>(std::move(*full));
  }
  return std::optional<ContactRecord>();
}

Result<bool> ChatStore::remove_contact(const crypto::PeerId& peer) {
  auto remove = db_.prepare("DELETE FROM contacts WHERE peer_id = ?");
  if (!remove) return fail(remove.error());
  if (auto r = remove->bind_blob(1, peer.bytes()).run(); !r) return fail(r.error());
  return db_.changes() > 0;
}

Result<bool> ChatStore::rename_contact(const crypto::PeerId& peer,
                                       std::optional<std::string> nickname) {
  auto update = db_.prepare("UPDATE contacts SET nickname = ? WHERE peer_id = ?");
  if (!update) return fail(update.error());
  if (nickname) {
    update->bind_text(1, *nickname);
  } else {
    update->bind_null(1);
  }
  if (auto r = update->bind_blob(2, peer.bytes()).run(); !r) return fail(r.error());
  return db_.changes() > 0;
}

Result<bool> ChatStore::set_contact_verified(const crypto::PeerId& peer,
                                             std::optional<std::string> safety_number) {
  auto update =
      db_.prepare("UPDATE contacts SET verified = ?, safety_number = ? WHERE peer_id = ?");
  if (!update) return fail(update.error());
  update->bind_int64(1, safety_number ? 1 : 0);
  if (safety_number) {
    update->bind_text(2, *safety_number);
  } else {
    update->bind_null(2);
  }
  if (auto r = update->bind_blob(3, peer.bytes()).run(); !r) return fail(r.error());
  return db_.changes() > 0;
}

Result<void> ChatStore::record_addresses(const crypto::PeerId& peer,
                                         const std::vector<Multiaddr>& addresses,
                                         std::int64_t now_ms) {
  if (addresses.empty()) return {};
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  auto seen = db_.prepare(
      "INSERT INTO peers (peer_id, last_seen_at) VALUES (?1, ?2) ON CONFLICT (peer_id)"
      " DO UPDATE SET last_seen_at = max(coalesce(last_seen_at, ?2), ?2)");
  if (!seen) return fail(seen.error());
  if (auto r = seen->bind_blob(1, peer.bytes()).bind_int64(2, now_ms).run(); !r) {
    return fail(r.error());
  }
  auto upsert = db_.prepare(
      "INSERT INTO peer_addresses (peer_id, address, last_seen_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (peer_id, address) DO UPDATE SET last_seen_at = max(last_seen_at, ?3)");
  if (!upsert) return fail(upsert.error());
  for (const Multiaddr& address : addresses) {
    upsert->reset();
    upsert->bind_blob(1, peer.bytes()).bind_blob(2, address.bytes()).bind_int64(3, now_ms);
    if (auto r = upsert->run(); !r) return fail(r.error());
  }
  auto prune = db_.prepare(
      "DELETE FROM peer_addresses WHERE peer_id = ?1 AND address NOT IN"
      " (SELECT address FROM peer_addresses WHERE peer_id = ?1"
      " ORDER BY last_seen_at DESC, address LIMIT ?2)");
  if (!prune) return fail(prune.error());
  prune->bind_blob(1, peer.bytes()).bind_int64(2, kMaxAddressesPerPeer);
  if (auto r = prune->run(); !r) return fail(r.error());
  return scope->commit();
}

Result<std::vector<Multiaddr>> ChatStore::addresses(const crypto::PeerId& peer) {
  return load_addresses(peer);
}

}  // namespace meshchat::chat
