/*
 * archive.c - the modules of a bundle and how imports find them.
 *
 * The build tool hands the engine one archive on stdin (little-endian):
 *
 *   "TWJS" u32 version(1) u32 mode  u32 len entry-name
 *   then per file: u32 len name  u32 len data  0x00
 *
 * Names are paths relative to the build's root folder ("examples/greet/greet.js"), plus the
 * SDK's files as `temporal:sdk/<file>` (`temporal` is `temporal:sdk/index.js`) and, in tests, a
 * replacement for `temporal:host`. Imports are resolved
 * as ES module specifiers: `./` and `../` against the importing module's folder, `temporal`
 * and `temporal:host` as themselves, nothing else (no node_modules: a workflow's code is all
 * in its bundle, and bare names would hide that). A name the archive lacks is reported to the
 * tool as a line `tw-js:need <name> <importer>` on stderr, so that it can add the file and
 * build again; a `.json` file imports as a module whose default export is its value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static uint8_t *archive_bytes;
static size_t archive_len;
static tw_mode archive_mode;
static const char *archive_entry; /* NUL-terminated copy */
static tw_file *files;
static size_t file_count;

static int read_u32(size_t *at, uint32_t *out) {
    if (archive_len - *at < 4 || *at > archive_len) return -1;
    const uint8_t *p = archive_bytes + *at;
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    *at += 4;
    return 0;
}

/* Reads a length-prefixed string; `nul` says whether a 0 byte follows it. */
static int read_str(size_t *at, const char **ptr, uint32_t *len, int nul) {
    if (read_u32(at, len) || archive_len - *at < (size_t)*len + (size_t)nul) return -1;
    *ptr = (const char *)archive_bytes + *at;
    *at += *len + (size_t)nul;
    return 0;
}

int tw_archive_open(uint8_t *bytes, size_t len) {
    archive_bytes = bytes;
    archive_len = len;
    size_t at = 4;
    uint32_t version, mode, entry_len;
    const char *entry;
    if (len < 4 || memcmp(bytes, "TWJS", 4) || read_u32(&at, &version) || version != 1 ||
        read_u32(&at, &mode) || read_str(&at, &entry, &entry_len, 0)) {
        fprintf(stderr, "tw-js: the module archive on stdin is not one the build tool wrote\n");
        return -1;
    }
    archive_mode = (tw_mode)mode;
    char *entry_copy = malloc(entry_len + 1);
    memcpy(entry_copy, entry, entry_len);
    entry_copy[entry_len] = 0;
    archive_entry = entry_copy;
    size_t capacity = 16;
    files = malloc(capacity * sizeof *files);
    while (at < len) {
        tw_file file;
        if (read_str(&at, &file.name, &file.name_len, 0) || read_str(&at, &file.data, &file.data_len, 1)) {
            fprintf(stderr, "tw-js: the module archive is truncated\n");
            return -1;
        }
        if (file_count == capacity) files = realloc(files, (capacity *= 2) * sizeof *files);
        files[file_count++] = file;
    }
    return 0;
}

tw_mode tw_archive_mode(void) { return archive_mode; }
const char *tw_archive_entry(void) { return archive_entry; }

const tw_file *tw_archive_find(const char *name) {
    size_t len = strlen(name);
    for (size_t i = 0; i < file_count; i++) {
        if (files[i].name_len == len && !memcmp(files[i].name, name, len)) return &files[i];
    }
    return NULL;
}

void tw_archive_close(void) {
    if (archive_bytes) memset(archive_bytes, 0, archive_len);
    free(archive_bytes);
    if (files) memset(files, 0, file_count * sizeof *files);
    free(files);
    archive_bytes = NULL;
    files = NULL;
    archive_len = file_count = 0;
}

/* ---- specifiers ---- */

/* A file name the archive has for `name`: itself, or with `.js`, `.mjs` or `/index.js`. */
static const tw_file *find_with_extensions(const char *name, char **found_name) {
    static const char *suffixes[] = {"", ".js", ".mjs", "/index.js"};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char *candidate = malloc(len + strlen(suffixes[i]) + 1);
        strcpy(candidate, name);
        strcat(candidate, suffixes[i]);
        const tw_file *file = tw_archive_find(candidate);
        if (file) {
            *found_name = candidate;
            return file;
        }
        free(candidate);
    }
    return NULL;
}

/* Joins `base`'s folder and the relative `spec`, folding `.` and `..` segments. */
static char *resolve_relative(const char *base, const char *spec) {
    const char *slash = strrchr(base, '/');
    size_t dir_len = slash ? (size_t)(slash - base) : 0;
    size_t cap = dir_len + strlen(spec) + 2;
    char *joined = malloc(cap);
    snprintf(joined, cap, "%.*s%s%s", (int)dir_len, base, dir_len ? "/" : "", spec);

    /* Fold segments in place: out holds the result so far. */
    char *out = malloc(cap);
    size_t out_len = 0, ups = 0;
    char *segment = joined;
    while (segment) {
        char *next = strchr(segment, '/');
        if (next) *next++ = 0;
        if (!strcmp(segment, "..")) {
            if (out_len > 0 && !(out_len >= 2 && !memcmp(out + out_len - 2, "..", 2) &&
                                 (out_len == 2 || out[out_len - 3] == '/'))) {
                while (out_len > 0 && out[out_len - 1] != '/') out_len--;
                if (out_len > 0) out_len--; /* the slash */
            } else {
                if (out_len) out[out_len++] = '/';
                memcpy(out + out_len, "..", 2);
                out_len += 2;
                ups++;
            }
        } else if (*segment && strcmp(segment, ".")) {
            if (out_len) out[out_len++] = '/';
            memcpy(out + out_len, segment, strlen(segment));
            out_len += strlen(segment);
        }
        segment = next;
    }
    out[out_len] = 0;
    free(joined);
    return out;
}

/* The module that imported the last name the archive lacked, for the loader's message. */
static char missing_importer[256];

static char *normalize(JSContext *ctx, const char *base, const char *spec, void *opaque) {
    (void)opaque;
    char *resolved;
    if (!strcmp(spec, "temporal")) {
        resolved = strdup("temporal:sdk/index.js"); /* the SDK's files are named temporal:sdk/... */
    } else if (!strncmp(spec, "./", 2) || !strncmp(spec, "../", 3)) {
        resolved = resolve_relative(base, spec);
    } else {
        resolved = strdup(spec);
    }
    char *found = NULL;
    if (find_with_extensions(resolved, &found)) {
        free(resolved);
        resolved = found;
    } else if (strncmp(resolved, "temporal:", 9) && strncmp(spec, "/", 1) &&
               (!strncmp(spec, "./", 2) || !strncmp(spec, "../", 3))) {
        /* Not in the archive yet: the build tool may have it on disk. */
        fprintf(stderr, "tw-js:need %s %s\n", resolved, base);
        snprintf(missing_importer, sizeof missing_importer, "%s", base);
    }
    char *result = js_strdup(ctx, resolved);
    free(resolved);
    return result;
}

/* Compiles `source` (NUL-terminated) as module `name`. */
static JSModuleDef *compile_module(JSContext *ctx, const char *name, const char *source, size_t len) {
    JSValue value = JS_Eval(ctx, source, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(value)) return NULL;
    JSModuleDef *module = JS_VALUE_GET_PTR(value);
    JS_FreeValue(ctx, value);
    return module;
}

static JSModuleDef *load(JSContext *ctx, const char *name, void *opaque) {
    (void)opaque;
    const tw_file *file = tw_archive_find(name);
    if (!file) {
        /* `temporal:natives` is the same module under a name a test's mock host cannot shadow. */
        if (!strcmp(name, "temporal:host") || !strcmp(name, "temporal:natives")) return tw_natives_module(ctx, name);
        if (name[0] == '/') {
            JS_ThrowReferenceError(ctx, "cannot import `%s`: absolute paths are not supported, "
                                        "import it with a relative path (./ or ../)", name);
        } else if (!strncmp(name, "..", 2)) {
            JS_ThrowReferenceError(ctx, "cannot import `%s`: it is outside the build's root folder "
                                        "(give the build tool a wider --root)", name);
        } else if (strchr(name, '/') == NULL && !strchr(name, '.')) {
            JS_ThrowReferenceError(ctx, "cannot import `%s`: a workflow imports only `temporal` and "
                                        "its own files by relative path (./ or ../); bundle other "
                                        "code into the workflow's folder", name);
        } else {
            JS_ThrowReferenceError(ctx, "cannot find module `%s` (imported by %s; looked for it, "
                                        "and with .js, .mjs and /index.js, under the root folder)",
                                   name, missing_importer[0] ? missing_importer : "?");
        }
        return NULL;
    }
    size_t len = strlen(name);
    if (len > 5 && !strcmp(name + len - 5, ".json")) {
        /* A JSON file is a module whose default export is its value. */
        static const char prefix[] = "export default ";
        size_t total = sizeof prefix - 1 + file->data_len + 2;
        char *source = malloc(total + 1);
        memcpy(source, prefix, sizeof prefix - 1);
        memcpy(source + sizeof prefix - 1, file->data, file->data_len);
        memcpy(source + sizeof prefix - 1 + file->data_len, ";\n", 3);
        JSModuleDef *module = compile_module(ctx, name, source, total);
        free(source);
        return module;
    }
    return compile_module(ctx, name, file->data, file->data_len);
}

void tw_modules_install(JSRuntime *rt) { JS_SetModuleLoaderFunc(rt, normalize, load, NULL); }
