#ifndef SHOP_CSQLITE_SHIM_H
#define SHOP_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro cast Swift cannot import: binds copy their argument.
static inline sqlite3_destructor_type shop_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static const int shop_sqlite_constraint_unique = SQLITE_CONSTRAINT_UNIQUE;
static const int shop_sqlite_constraint_primarykey = SQLITE_CONSTRAINT_PRIMARYKEY;
#endif
