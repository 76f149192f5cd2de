/*
 * check.c - see check.h. Test code: it uses libc freely and recursion where it is clearest.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
#include "check.h"

#include <dirent.h>

int check_failures;
const char *check_current = "";
static const char *fixtures_dir = "guest/fixtures";

void fixtures_at(const char *dir) { fixtures_dir = dir; }

tw_str fixture_text(const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures_dir, name);
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long len = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *bytes = malloc((size_t)len + 1);
    if (fread(bytes, 1, (size_t)len, file) != (size_t)len) exit(2);
    fclose(file);
    bytes[len] = '\0';
    return (tw_str){bytes, (size_t)len};
}

tw_json fixture_json(const char *name) {
    tw_json root = {NULL};
    CHECK(tw_json_parse(fixture_text(name), &root), "fixture %s is not JSON", name);
    return root;
}

static int number_same(tw_json a, tw_json b) {
    tw_str ra = tw_json_raw(a), rb = tw_json_raw(b);
    char ta[64], tb[64];
    snprintf(ta, sizeof ta, "%.*s", TW_PRINT(ra));
    snprintf(tb, sizeof tb, "%.*s", TW_PRINT(rb));
    return strtod(ta, NULL) == strtod(tb, NULL);
}

static int json_same_at(tw_json a, tw_json b, char *where, size_t where_len, const char *path) {
    tw_json_kind kind = tw_json_kind_of(a);
    if (kind != tw_json_kind_of(b)) {
        snprintf(where, where_len, "%s (kinds differ)", path);
        return 0;
    }
    char child[1024];
    switch (kind) {
    case TW_JSON_MISSING:
    case TW_JSON_NULL: return 1;
    case TW_JSON_BOOL: {
        bool va = false, vb = false;
        tw_json_bool(a, &va);
        tw_json_bool(b, &vb);
        if (va != vb) snprintf(where, where_len, "%s", path);
        return va == vb;
    }
    case TW_JSON_NUMBER:
        if (!number_same(a, b)) {
            snprintf(where, where_len, "%s (numbers differ)", path);
            return 0;
        }
        return 1;
    case TW_JSON_STRING: {
        tw_str sa, sb;
        tw_json_string(a, &sa);
        tw_json_string(b, &sb);
        if (!tw_str_eq(sa, sb)) {
            snprintf(where, where_len, "%s (\"%.*s\" vs \"%.*s\")", path, TW_PRINT(sa), TW_PRINT(sb));
            return 0;
        }
        return 1;
    }
    case TW_JSON_ARRAY: {
        if (tw_json_count(a) != tw_json_count(b)) {
            snprintf(where, where_len, "%s (lengths %zu vs %zu)", path, tw_json_count(a), tw_json_count(b));
            return 0;
        }
        for (size_t i = 0; i < tw_json_count(a); i++) {
            snprintf(child, sizeof child, "%s[%zu]", path, i);
            if (!json_same_at(tw_json_at(a, i), tw_json_at(b, i), where, where_len, child)) return 0;
        }
        return 1;
    }
    case TW_JSON_OBJECT: {
        if (tw_json_count(a) != tw_json_count(b)) {
            snprintf(where, where_len, "%s (member counts %zu vs %zu)", path, tw_json_count(a),
                     tw_json_count(b));
            return 0;
        }
        tw_json_iter iter = tw_json_iterate(a);
        tw_str key;
        tw_json value;
        while (tw_json_next(&iter, &key, &value)) {
            snprintf(child, sizeof child, "%s.%.*s", path, TW_PRINT(key));
            tw_json other = tw_json_get(b, key);
            if (!other.at) {
                snprintf(where, where_len, "%s (missing)", child);
                return 0;
            }
            if (!json_same_at(value, other, where, where_len, child)) return 0;
        }
        return 1;
    }
    }
    return 0;
}

int json_same(tw_json a, tw_json b, char *where, size_t where_len) {
    return json_same_at(a, b, where, where_len, "$");
}

void check_matches_fixture(tw_str actual, const char *name) {
    tw_json got = {NULL};
    if (!tw_json_parse(actual, &got)) {
        CHECK(0, "%s: the SDK wrote invalid JSON: %.*s", name, TW_PRINT(actual));
        return;
    }
    char where[2048] = "";
    CHECK(json_same(got, fixture_json(name), where, sizeof where), "%s differs at %s; the SDK wrote %.*s",
          name, where, TW_PRINT(actual));
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **fixture_names(const char *sub) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures_dir, sub);
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "cannot list %s\n", path);
        exit(2);
    }
    size_t count = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    for (struct dirent *entry; (entry = readdir(dir));) {
        size_t len = strlen(entry->d_name);
        if (len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0) continue;
        if (count + 1 >= cap) names = realloc(names, (cap *= 2) * sizeof *names);
        names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof *names, compare_names);
    names[count] = NULL;
    return names;
}
