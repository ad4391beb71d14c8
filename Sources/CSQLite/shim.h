#ifndef CANARY_CSQLITE_SHIM_H
#define CANARY_CSQLITE_SHIM_H

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import: text
// is bound through this wrapper, which asks SQLite to copy it.

#include <sqlite3.h>

static inline int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return sqlite3_bind_text(statement, index, text, bytes, SQLITE_TRANSIENT);
}

#endif
