/* The floor under a workload: the statements a shop-server ran (SHOP_SQL_TRACE=FILE, see
 * Sources/ShopEngine/Store/SQLite/SQLProfile.swift) run again by a minimal C loop on the same
 * database file, in one process: each SQL text prepared once (as the server's statement cache
 * does), arguments bound, every row stepped through; no HTTP, JSON or Swift. Prints the loop's
 * CPU seconds (user + system), the statements, and how many failed (temp tables only the
 * server's connections have). Built and run by Benchmarks/http/run.sh with PROFILE=1:
 *     cc -O2 -o replay replay.c -lsqlite3 && ./replay DB < TRACE
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct { char kind; long long integer; double real; char *bytes; int length; } Argument;
typedef struct { char *sql; int count; Argument *arguments; } Use;

static char *readBytes(int length) {
    char *bytes = malloc(length + 1);
    if (fread(bytes, 1, length, stdin) != (size_t)length) { fprintf(stderr, "replay: trace cut short\n"); exit(1); }
    bytes[length] = 0;
    getchar(); /* the newline after the bytes */
    return bytes;
}

static double cpuSeconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: replay DB < TRACE\n"); return 64; }
    int capacity = 1024, uses = 0;
    Use *trace = malloc(capacity * sizeof(Use));
    int count, length;
    while (scanf("Q %d %d", &count, &length) == 2) {
        getchar();
        if (uses == capacity) trace = realloc(trace, (capacity *= 2) * sizeof(Use));
        Use *use = &trace[uses++];
        use->sql = readBytes(length);
        use->count = count;
        use->arguments = calloc(count ? count : 1, sizeof(Argument));
        for (int i = 0; i < count; i++) {
            Argument *a = &use->arguments[i];
            if (scanf(" %c", &a->kind) != 1) { fprintf(stderr, "replay: bad trace\n"); return 1; }
            switch (a->kind) {
            case 'I': scanf("%lld", &a->integer); getchar(); break;
            case 'R': scanf("%lf", &a->real); getchar(); break;
            case 'N': getchar(); break;
            case 'T': case 'B': scanf("%d", &a->length); getchar(); a->bytes = readBytes(a->length); break;
            default: fprintf(stderr, "replay: bad argument kind %c\n", a->kind); return 1;
            }
        }
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) { fprintf(stderr, "replay: cannot open %s\n", argv[1]); return 1; }
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL); /* as the server's connections */
    /* One prepared statement per distinct SQL text, found by a linear search (a few dozen texts). */
    int texts = 0;
    char **known = malloc(uses * sizeof(char *));
    sqlite3_stmt **prepared = malloc(uses * sizeof(sqlite3_stmt *));
    int failed = 0;
    double start = cpuSeconds();
    for (int u = 0; u < uses; u++) {
        sqlite3_stmt *statement = NULL;
        for (int k = 0; k < texts; k++) if (strcmp(known[k], trace[u].sql) == 0) { statement = prepared[k]; break; }
        if (!statement) {
            if (sqlite3_prepare_v2(db, trace[u].sql, -1, &statement, NULL) != SQLITE_OK) { failed++; continue; }
            known[texts] = trace[u].sql;
            prepared[texts++] = statement;
        }
        for (int i = 0; i < trace[u].count; i++) {
            Argument *a = &trace[u].arguments[i];
            switch (a->kind) {
            case 'I': sqlite3_bind_int64(statement, i + 1, a->integer); break;
            case 'R': sqlite3_bind_double(statement, i + 1, a->real); break;
            case 'N': sqlite3_bind_null(statement, i + 1); break;
            case 'T': sqlite3_bind_text(statement, i + 1, a->bytes, a->length, SQLITE_STATIC); break;
            case 'B': sqlite3_bind_blob(statement, i + 1, a->bytes, a->length, SQLITE_STATIC); break;
            }
        }
        int rc;
        while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {}
        if (rc != SQLITE_DONE) failed++;
        sqlite3_reset(statement);
    }
    printf("%.3f %d %d\n", cpuSeconds() - start, uses, failed);
    return 0;
}
