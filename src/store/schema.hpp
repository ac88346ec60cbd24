// Schema versions 1 to 4 of the per-identity database (DESIGN.md §6), and the receipt upsert
// whose max() keeps a receipt's state moving forward whatever order acknowledgements arrive in.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace meshchat::store {

// Stored as integers; never renumber (the values are on disk).
enum class Direction : std::int64_t { incoming = 0, outgoing = 1 };
enum class MessageState : std::int64_t {
  pending = 0,    // outgoing, not yet handed to any peer
  sent = 1,       // outgoing, written to at least one peer
  delivered = 2,  // acknowledged by a recipient, or received (incoming)
  read = 3,       // read by a recipient, or by the local user (incoming)
  failed = 4,     // outgoing, given up after the outbox's last attempt
};
// Ordered: a receipt only ever moves to a larger value.
enum class ReceiptState : std::int64_t { queued = 0, delivered = 1, read = 2 };
enum class ConversationKind : std::int64_t { direct = 0, group = 1 };

// Times are Unix milliseconds supplied by the caller's clock, never SQLite's: the store stays
// testable on a fake clock. Peer ids are the binary multihash form.
inline constexpr std::string_view kSchemaV1 = R"sql(
-- One identity per database file (one file per identity under the home directory).
CREATE TABLE identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  peer_id BLOB NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE profile (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  display_name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  avatar BLOB,
  updated_at INTEGER NOT NULL
);

CREATE TABLE contacts (
  peer_id BLOB PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',       -- the name the peer announces
  nickname TEXT,                       -- the local user's own name for them
  verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
  safety_number TEXT,
  added_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE conversations (
  id BLOB PRIMARY KEY CHECK (length(id) = 32),
  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
  -- The other side of a direct conversation; not a contact reference, since strangers may
  -- write first.
  peer_id BLOB CHECK ((kind = 0) = (peer_id IS NOT NULL)),
  title TEXT,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX conversations_direct ON conversations (peer_id) WHERE kind = 0;

-- seq is the rowid alias the FTS index points at: an implicit rowid could be renumbered by
-- VACUUM and leave the index pointing at the wrong messages.
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  id BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
  conversation_id BLOB NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  author BLOB NOT NULL,
  hlc_wall_ms INTEGER NOT NULL CHECK (hlc_wall_ms >= 0),
  hlc_counter INTEGER NOT NULL CHECK (hlc_counter >= 0),
  type INTEGER NOT NULL CHECK (type >= 0),
  body TEXT,                           -- searchable text, NULL for non-text messages
  envelope BLOB,                       -- the signed wire form, kept to re-send and to re-verify
  direction INTEGER NOT NULL CHECK (direction IN (0, 1)),
  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4)
);
-- Conversation timeline in HLC order; id breaks ties so the order is total on every peer.
CREATE INDEX messages_timeline ON messages (conversation_id, hlc_wall_ms, hlc_counter, id);

-- External-content FTS5: the text lives once, in messages; the triggers keep the index exact.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
-- Every message has an index row, NULL bodies included (as zero tokens): FTS5 counts documents
-- against the content table, and a row missing from the index fails its integrity-check.
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
END;

CREATE TABLE receipts (
  message_id BLOB NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  peer_id BLOB NOT NULL,
  state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, peer_id)
) WITHOUT ROWID;
-- The upsert already takes max(); this catches any other UPDATE that would move state back.
CREATE TRIGGER receipts_forward_only BEFORE UPDATE OF state ON receipts
  WHEN new.state < old.state BEGIN
  SELECT RAISE(ABORT, 'receipt state only moves forward');
END;

CREATE TABLE outbox (
  message_id BLOB NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  peer_id BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, peer_id)
) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox (next_attempt_at);

CREATE TABLE peers (
  peer_id BLOB PRIMARY KEY,
  public_key BLOB,
  agent_version TEXT,
  last_seen_at INTEGER
) WITHOUT ROWID;

CREATE TABLE peer_addresses (
  peer_id BLOB NOT NULL REFERENCES peers (peer_id) ON DELETE CASCADE,
  address BLOB NOT NULL,               -- binary multiaddr
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (peer_id, address)
) WITHOUT ROWID;
-- For pruning addresses nobody has seen in a long time.
CREATE INDEX peer_addresses_age ON peer_addresses (last_seen_at);

CREATE TABLE preferences (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Schema version 2: what the chat store needs for edits, deletions and its hot queries.
// Edit and deletion envelopes are message rows too (they sync and re-send like any message);
// `target` names the message they change. A text row's `body` becomes its effective text (what
// the FTS index holds), while `content` keeps the text the row's own envelope carries: the
// original text of a text message, the replacement of an edit. Edit and deletion rows keep
// `body` NULL, so they are never searchable themselves.
inline constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE messages ADD COLUMN target BLOB CHECK (target IS NULL OR length(target) = 32);
ALTER TABLE messages ADD COLUMN content TEXT;
ALTER TABLE messages ADD COLUMN edited INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1));
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));
-- Version 1 wrote no edits, so every stored body is still the row's own text.
UPDATE messages SET content = body;

-- The edits and deletions of one message in HLC order: the last writer is one index probe.
CREATE INDEX messages_target ON messages (target, hlc_wall_ms, hlc_counter, id)
  WHERE target IS NOT NULL;
-- Incoming messages the local user has not read yet: unread counts and mark-read stay cheap in
-- long conversations. The WHERE terms must match the queries' terms for SQLite to use it.
CREATE INDEX messages_unread ON messages (conversation_id) WHERE direction = 0 AND state < 3;
-- An outbox flush when a contact connects reads that contact's rows only.
CREATE INDEX outbox_peer ON outbox (peer_id);
-- Outgoing messages not yet delivered, in conversation order: the outbox is read oldest first
-- in rounds, and without this every round would sort the whole queue.
CREATE INDEX messages_pending ON messages (conversation_id, hlc_wall_ms, hlc_counter, id)
  WHERE direction = 1 AND state < 2;
)sql";

// Schema version 3: the outbox and receipts point at their message by its seq instead of its
// id. Ids are hashes, so keying by them scattered every insert over the whole B-tree and every
// batch rewrote pages all over it; seqs grow, so new rows append at the end of both tables and a
// batch dirties a few pages. The foreign-key check becomes a rowid lookup too.
inline constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE outbox_v3 (
  message_seq INTEGER NOT NULL REFERENCES messages (seq) ON DELETE CASCADE,
  peer_id BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  PRIMARY KEY (message_seq, peer_id)
) WITHOUT ROWID;
INSERT INTO outbox_v3 (message_seq, peer_id, attempts, next_attempt_at)
  SELECT m.seq, o.peer_id, o.attempts, o.next_attempt_at
  FROM outbox o JOIN messages m ON m.id = o.message_id;
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at);
CREATE INDEX outbox_peer ON outbox (peer_id);

CREATE TABLE receipts_v3 (
  message_seq INTEGER NOT NULL REFERENCES messages (seq) ON DELETE CASCADE,
  peer_id BLOB NOT NULL,
  state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (message_seq, peer_id)
) WITHOUT ROWID;
INSERT INTO receipts_v3 (message_seq, peer_id, state, updated_at)
  SELECT m.seq, r.peer_id, r.state, r.updated_at
  FROM receipts r JOIN messages m ON m.id = r.message_id;
DROP TABLE receipts;
ALTER TABLE receipts_v3 RENAME TO receipts;
-- The upsert already takes max(); this catches any other UPDATE that would move state back.
CREATE TRIGGER receipts_forward_only BEFORE UPDATE OF state ON receipts
  WHEN new.state < old.state BEGIN
  SELECT RAISE(ABORT, 'receipt state only moves forward');
END;
)sql";

// Schema version 4: new text reaches the full-text index once per batch instead of once per
// message. FTS5 writes its pending terms out as a new segment at every statement savepoint,
// and every INSERT inside a transaction opens one, so a trigger-fed index wrote (and later
// merged) one segment per message. Now the insert trigger only notes the row in
// search_pending, and index_pending_text() moves all noted rows into the index in one
// statement. Updates and deletions of rows still pending only touch search_pending; the
// index sees their final text when it catches up.
inline constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE search_pending (seq INTEGER PRIMARY KEY);
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO search_pending (seq) VALUES (new.seq);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.seq, old.body
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE seq = old.seq);
  DELETE FROM search_pending WHERE seq = old.seq;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
  WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE seq = old.seq) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
END;
)sql";

// Moves every row noted in search_pending into the full-text index (one statement, so FTS5
// writes one segment), then clears the list. Searches call it first; StoreWorker calls it
// before each commit.
Result<void> index_pending_text(Database& db);

// Inserts or advances the receipt of the message with seq `message_seq` by `peer_id`. The state
// becomes max(stored, state), so a late "delivered" never overwrites "read"; updated_at follows
// the state and stays put when the state does not change.
inline constexpr std::string_view kUpsertReceiptSql =
    "INSERT INTO receipts (message_seq, peer_id, state, updated_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (message_seq, peer_id) DO UPDATE SET"
    " updated_at = CASE WHEN excluded.state > state THEN excluded.updated_at ELSE updated_at END,"
    " state = max(state, excluded.state)";

Result<void> upsert_receipt(Database& db, std::int64_t message_seq, ByteView peer_id,
                            ReceiptState state, std::int64_t at_ms);

}  // namespace meshchat::store
