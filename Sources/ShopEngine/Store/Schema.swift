/// The numbered schema migrations. Append only: never edit a migration that has shipped.
/// PostgreSQL's text, where it differs, is in `PostgresSchema` under the same name.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(1, "accounts", sqlite: accounts, postgres: PostgresSchema.accounts),
        Migration(2, "commerce", sqlite: commerce, postgres: PostgresSchema.commerce),
        Migration(3, "ssh keys", sqlite: sshKeys, postgres: PostgresSchema.sshKeys),
        Migration(4, "proven identities", sqlite: provenIdentities, postgres: PostgresSchema.provenIdentities),
        Migration(5, "unpaid order expiry", sql: unpaidOrderExpiry),
        Migration(6, "returns", sqlite: returns, postgres: PostgresSchema.returns),
        Migration(7, "account language", sql: accountLanguage),
        Migration(8, "search terms", sqlite: searchTerms, postgres: PostgresSchema.searchTerms),
        Migration(9, "catalog orders within a category", sql: categoryOrders),
        Migration(10, "search postings", sqlite: searchPostings, postgres: PostgresSchema.searchPostings),
        Migration(11, "order ids from the sequence", sqlite: orderIDSequence, postgres: PostgresSchema.orderIDSequence),
        Migration(12, "change counter", sqlite: changeCounter, postgres: PostgresSchema.changeCounter),
    ]

    /// Nothing to do: SQLite's change signal is `PRAGMA data_version`, and it never had the
    /// trigram index PostgreSQL drops here.
    static let changeCounter = "-- SQLite: PRAGMA data_version"

    /// Nothing to do: SQLite numbers orders one after the largest, under its one write lock (`NewOrder.nextID`).
    static let orderIDSequence = "-- orders keep max(id) + 1 on SQLite"

    /// Each product under each of its words, with its sort keys, so a search page reads its
    /// matches from an index in sort order, wherever they lie in it (`SearchPostings`; by newest:
    /// the key backwards). Filled from `product_words` (migration 8), then indexed.
    static let searchPostings = """
    CREATE TABLE search_postings(
        term TEXT NOT NULL,
        product_id INTEGER NOT NULL,
        sort_name TEXT NOT NULL,
        price INTEGER NOT NULL,
        PRIMARY KEY (term, product_id)
    ) WITHOUT ROWID, STRICT;
    \(searchPostingsFill)
    \(searchPostingsIndexes)
    """

    /// Every product's words in `product_words` (" cake dark golden ") split in SQL, in key order.
    static let searchPostingsFill = """
    INSERT INTO search_postings(term, product_id, sort_name, price)
    WITH RECURSIVE split(product_id, term, rest) AS (
        SELECT product_id, '', substr(words, 2) FROM product_words
        UNION ALL
        SELECT product_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> ''
    )
    SELECT DISTINCT s.term, s.product_id, p.sort_name, p.price FROM split s JOIN products p ON p.id = s.product_id
    WHERE s.term <> '' ORDER BY s.term, s.product_id;
    """

    static let searchPostingsIndexes = """
    CREATE INDEX search_postings_by_name ON search_postings(term, sort_name, product_id);
    CREATE INDEX search_postings_by_price ON search_postings(term, price, product_id);
    """

    /// A category's products by price and by newest, so a page of one category in either order
    /// reads a page's worth of the index instead of sorting the whole category (12,500 products
    /// at 100,000: 60–130 ms a page). By name: `products_by_category` (migration 2).
    static let categoryOrders = """
    CREATE INDEX products_by_category_price ON products(category, price, id);
    CREATE INDEX products_by_category_newest ON products(category, id);
    """

    /// The language an account chose to be spoken to in (codes by SMS and email, the TUI on
    /// sign-in); NULL until the person chooses (`User.chosenLanguage`). `otp_requests.language`
    /// is the one a phone sign-in asked in: its code is texted in it. The engine writes only the
    /// languages it knows (`Language`); no CHECK, so adding one needs no rebuild.
    static let accountLanguage = """
    ALTER TABLE users ADD COLUMN language TEXT;
    ALTER TABLE otp_requests ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
    """

    /// Every word the search index holds, so a typed prefix can be spelled out as the whole words
    /// it stands for, and each product's words (" cake dark golden "), so a search with many
    /// matches can test products one by one as it walks the sort order (`SearchTerms`). Filled
    /// here from the index itself; kept up to date by `CatalogService.index`. Words of deleted
    /// products stay in `search_terms`: they match nothing.
    static let searchTerms = """
    CREATE TABLE search_terms(term TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE product_words(product_id INTEGER PRIMARY KEY, words TEXT NOT NULL) STRICT;
    CREATE VIRTUAL TABLE temp.products_fts_words USING fts5vocab(main, products_fts, row);
    INSERT INTO search_terms(term) SELECT term FROM temp.products_fts_words;
    DROP TABLE temp.products_fts_words;
    CREATE VIRTUAL TABLE temp.products_fts_instances USING fts5vocab(main, products_fts, instance);
    INSERT INTO product_words(product_id, words)
        SELECT doc, ' ' || group_concat(term, ' ') || ' ' FROM (SELECT DISTINCT doc, term FROM temp.products_fts_instances) GROUP BY doc;
    DROP TABLE temp.products_fts_instances;
    """

    /// A phone or email becomes a sign-in identity (`users.phone`, `users.email`, both unique) only
    /// once a code sent to it was verified. Until then it waits in `pending_phone` /
    /// `pending_email`, which reserve nothing: the real owner can still prove it elsewhere.
    static let provenIdentities = """
    ALTER TABLE users ADD COLUMN pending_phone TEXT;
    ALTER TABLE users ADD COLUMN pending_email TEXT COLLATE NOCASE;
    CREATE INDEX users_by_pending_phone ON users(pending_phone) WHERE pending_phone IS NOT NULL;
    CREATE INDEX users_by_pending_email ON users(pending_email) WHERE pending_email IS NOT NULL;
    -- An email never verified was not proven.
    UPDATE users SET pending_email = email, email = NULL WHERE auth_status = 'NEW' AND email IS NOT NULL;
    -- A phone given with a password registration (the accounts with a username) was never proven;
    -- phones of accounts made by a code or by the operator (`users add`) were.
    UPDATE users SET pending_phone = phone, phone = NULL WHERE phone IS NOT NULL AND username IS NOT NULL;

    -- Codes now also verify a phone; rebuilt because the purpose list is a CHECK (nothing refers to this table).
    CREATE TABLE account_codes_v4(
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'verify_phone', 'reset_password')),
        code_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        consumed_at INTEGER
    ) STRICT;
    INSERT INTO account_codes_v4 SELECT * FROM account_codes;
    DROP TABLE account_codes;
    ALTER TABLE account_codes_v4 RENAME TO account_codes;
    CREATE INDEX account_codes_by_user ON account_codes(user_id, purpose, created_at);
    """


    /// Why an order changed status, as the customer sees it ("Cancelled: not paid within 30
    /// minutes"), and a partial index so the expiry sweep's "anything due?" check reads only the
    /// orders waiting for an online payment.
    static let unpaidOrderExpiry = """
    ALTER TABLE order_status_history ADD COLUMN reason TEXT;
    CREATE INDEX IF NOT EXISTS orders_awaiting_online_payment ON orders(status, created_at)
        WHERE status = 'pending' AND channel = 'online' AND payment_method IN ('card', 'transfer');
    """

    /// Goods taken back from a delivered order: one `returns` row per return (its refund and the
    /// refund payment, a `refunded` row in `payments`), one `return_items` row per order line
    /// taken back. Returned quantities are summed from `return_items`, so several returns never
    /// add up to more than was sold (the engine checks inside the same immediate transaction).
    static let returns = """
    CREATE TABLE returns(
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id),
        refund_amount INTEGER NOT NULL CHECK (refund_amount >= 0),
        refund_method TEXT NOT NULL CHECK (refund_method IN ('cash', 'card', 'transfer')),
        payment_id INTEGER REFERENCES payments(id),
        created_by INTEGER REFERENCES users(id),
        idempotency_scope TEXT,
        idempotency_key TEXT,
        request_hash TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE(idempotency_scope, idempotency_key)
    ) STRICT;
    CREATE INDEX returns_by_order ON returns(order_id);
    CREATE INDEX returns_by_created ON returns(created_at);

    CREATE TABLE return_items(
        id INTEGER PRIMARY KEY,
        return_id INTEGER NOT NULL REFERENCES returns(id) ON DELETE CASCADE,
        order_item_id INTEGER NOT NULL REFERENCES order_items(id),
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        amount INTEGER NOT NULL CHECK (amount >= 0)
    ) STRICT;
    CREATE INDEX return_items_by_return ON return_items(return_id);
    CREATE INDEX return_items_by_order_item ON return_items(order_item_id);
    """

    static let sshKeys = """
    -- Public keys customers chose to remember for SSH sign-in. A key belongs to one account.
    CREATE TABLE ssh_keys(
        fingerprint TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key_type TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
    ) STRICT;
    CREATE INDEX ssh_keys_by_user ON ssh_keys(user_id);
    """

    static let accounts = """
    CREATE TABLE settings(
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE users(
        id INTEGER PRIMARY KEY,
        phone TEXT UNIQUE,
        username TEXT UNIQUE COLLATE NOCASE,
        email TEXT UNIQUE COLLATE NOCASE,
        password_hash TEXT,
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        postal_code TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'staff', 'admin')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        auth_status TEXT NOT NULL DEFAULT 'NEW' CHECK (auth_status IN ('NEW', 'VERIFIED')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE user_photos(
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        content_type TEXT NOT NULL,
        bytes BLOB NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;

    -- Phone sign-in codes: only a keyed hash of the code is kept.
    CREATE TABLE otp_requests(
        id TEXT PRIMARY KEY,
        phone TEXT NOT NULL,
        code_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        consumed_at INTEGER
    ) STRICT;
    CREATE INDEX otp_requests_by_phone ON otp_requests(phone, created_at);

    -- Email verification and password reset codes of password accounts.
    CREATE TABLE account_codes(
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
        code_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        consumed_at INTEGER
    ) STRICT;
    CREATE INDEX account_codes_by_user ON account_codes(user_id, purpose, created_at);

    -- Every sign-in starts a token family; refresh tokens rotate within it.
    CREATE TABLE token_families(
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_reason TEXT
    ) STRICT;
    CREATE INDEX token_families_by_user ON token_families(user_id);

    CREATE TABLE refresh_tokens(
        jti TEXT PRIMARY KEY,
        family_id TEXT NOT NULL REFERENCES token_families(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
    ) STRICT;

    -- Sliding-window rate limits shared by every process (per client address, per phone).
    CREATE TABLE rate_events(
        bucket TEXT NOT NULL,
        at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX rate_events_by_bucket ON rate_events(bucket, at);

    -- Messages kept in demo mode instead of being sent.
    CREATE TABLE outbox(
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    """

    static let commerce = """
    CREATE TABLE products(
        id INTEGER PRIMARY KEY,
        sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
        barcode TEXT UNIQUE,
        name TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT '',
        price INTEGER NOT NULL CHECK (price >= 0),
        stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        archived_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX products_by_name ON products(sort_name, id);
    CREATE INDEX products_by_price ON products(price, id);
    CREATE INDEX products_by_category ON products(category, sort_name, id);

    CREATE TABLE product_variants(
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
        position INTEGER NOT NULL DEFAULT 0,
        UNIQUE(product_id, name)
    ) STRICT;
    CREATE INDEX product_variants_by_product ON product_variants(product_id, position);

    CREATE TABLE product_photos(
        product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
        content_type TEXT NOT NULL,
        bytes BLOB NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;

    -- Search text is folded by the engine (Persian/Arabic letters and digits unified).
    CREATE VIRTUAL TABLE products_fts USING fts5(
        search, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
    );

    -- Every stock change, with its reason: adjustments, sales, cancellations.
    CREATE TABLE stock_ledger(
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id),
        variant_id INTEGER REFERENCES product_variants(id),
        delta INTEGER NOT NULL,
        reason TEXT NOT NULL,
        order_id INTEGER REFERENCES orders(id),
        user_id INTEGER REFERENCES users(id),
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX stock_ledger_by_product ON stock_ledger(product_id, id);
    CREATE INDEX stock_ledger_by_order ON stock_ledger(order_id);

    CREATE TABLE cart_items(
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        variant_id INTEGER REFERENCES product_variants(id) ON DELETE CASCADE,
        quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
        added_at INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX cart_items_line ON cart_items(user_id, product_id, ifnull(variant_id, 0));

    CREATE TABLE coupons(
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
        value INTEGER NOT NULL CHECK (value > 0),
        valid_from INTEGER,
        valid_until INTEGER,
        max_uses INTEGER,
        used_count INTEGER NOT NULL DEFAULT 0 CHECK (used_count >= 0),
        active INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        CHECK (kind <> 'percent' OR value <= 100)
    ) STRICT;

    CREATE TABLE orders(
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        user_id INTEGER REFERENCES users(id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'sent', 'delivered', 'cancelled')),
        channel TEXT NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'counter')),
        subtotal INTEGER NOT NULL CHECK (subtotal >= 0),
        discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
        total INTEGER NOT NULL CHECK (total >= 0),
        currency TEXT NOT NULL,
        coupon_id INTEGER REFERENCES coupons(id),
        coupon_code TEXT,
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        postal_code TEXT NOT NULL DEFAULT '',
        delivery_date TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        payment_method TEXT NOT NULL CHECK (payment_method IN ('cash', 'card', 'transfer', 'cash_on_delivery')),
        created_by INTEGER REFERENCES users(id),
        idempotency_scope TEXT,
        idempotency_key TEXT,
        request_hash TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE(idempotency_scope, idempotency_key)
    ) STRICT;
    CREATE INDEX orders_by_user ON orders(user_id, id);
    CREATE INDEX orders_by_status ON orders(status, id);
    CREATE INDEX orders_by_created ON orders(created_at);

    CREATE TABLE order_items(
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES products(id),
        variant_id INTEGER REFERENCES product_variants(id),
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        unit_price INTEGER NOT NULL CHECK (unit_price >= 0)
    ) STRICT;
    CREATE INDEX order_items_by_order ON order_items(order_id);
    CREATE INDEX order_items_by_product ON order_items(product_id);

    CREATE TABLE order_status_history(
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX order_status_history_by_order ON order_status_history(order_id);

    CREATE TABLE payments(
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders(id),
        amount INTEGER NOT NULL CHECK (amount > 0),
        method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'cash_on_delivery')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'refunded')),
        tendered INTEGER,
        created_by INTEGER REFERENCES users(id),
        idempotency_scope TEXT,
        idempotency_key TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE(idempotency_scope, idempotency_key)
    ) STRICT;
    CREATE INDEX payments_by_order ON payments(order_id);
    CREATE INDEX payments_by_created ON payments(created_at);
    """
}
