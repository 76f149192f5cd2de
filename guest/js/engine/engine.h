/*
 * engine.h - what the engine's C files share: the one JS runtime and context of the instance,
 * the phase it is in, the source archive and the error reporting of the build.
 *
 * The engine is QuickJS-ng with this glue, built once for wasm32-wasi (../build.sh). A bundle
 * is the engine pre-initialised by the build tool (../tools) with a workflow's modules:
 *
 *   build time  `wizer-initialize` reads an archive of modules from stdin (the tool's), creates
 *               the runtime, evaluates the workflow's entry module and everything it imports
 *               (phase BUILD: host calls throw) and returns; the tool snapshots the instance.
 *   run time    `run` starts from that heap (phase RUN) and calls the SDK's driver, which calls
 *               the module's default export with the workflow's arguments and ends the run.
 *
 * In `source` mode (measurements, `--no-snapshot`) the snapshot holds only the archive, and
 * `run` creates the runtime and evaluates the modules itself, as an engine without
 * pre-initialisation would.
 */
#ifndef TW_JS_ENGINE_H
#define TW_JS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "quickjs.h"

/** What the instance is doing: nothing yet, evaluating modules at build time, or running. */
typedef enum { TW_PHASE_NONE, TW_PHASE_BUILD, TW_PHASE_RUN } tw_phase;

/** How the build tool asked the engine to be initialised (the archive's header). */
typedef enum {
    TW_MODE_SNAPSHOT = 1, /* evaluate the modules now: the snapshot holds a ready heap */
    TW_MODE_SOURCE = 2,   /* keep the archive: `run` evaluates the modules */
    TW_MODE_TEST = 3,     /* evaluate the entry now, as a test program (no snapshot is taken) */
} tw_mode;

extern JSRuntime *tw_rt;
extern JSContext *tw_ctx;
extern tw_phase tw_current_phase;

/* ---- archive.c: the modules the tool handed over, and the module loader over them ---- */

/** One file of the archive: a module's normalised name and its source text. */
typedef struct {
    const char *name;
    uint32_t name_len;
    const char *data;
    uint32_t data_len;
} tw_file;

/** Parses the archive at `bytes` (kept, not copied). Returns 0, or -1 with a message on stderr. */
int tw_archive_open(uint8_t *bytes, size_t len);
/** The mode and entry module named by the archive's header. */
tw_mode tw_archive_mode(void);
const char *tw_archive_entry(void);
/** Finds a file by its normalised name; NULL if the archive has none. */
const tw_file *tw_archive_find(const char *name);
/** Zeroes and frees the archive (so that the snapshot does not carry it). */
void tw_archive_close(void);
/** Installs the module normaliser and loader over the archive on the runtime. */
void tw_modules_install(JSRuntime *rt);

/* ---- natives.c: the `temporal:host` module the SDK is built on ---- */

/** Registers the native module as `name` (`temporal:host`, or `temporal:natives` for tests). */
JSModuleDef *tw_natives_module(JSContext *ctx, const char *name);

/** A string argument as UTF-8 (free with JS_FreeCString); NULL, with a TypeError, if it is not one. */
const char *tw_string_arg(JSContext *ctx, JSValueConst value, size_t *len);

/* ---- text.c: UTF-8 and base64, exported by natives.c ---- */

/** textToBase64(text): the padded base64 of the text's UTF-8 bytes (a payload's `data`). */
JSValue js_text_to_base64(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);
/** base64ToText(base64): the UTF-8 text it encodes; throws on a character that is not base64. */
JSValue js_base64_to_text(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);
/** utf8Encode(text): a Uint8Array of its UTF-8 bytes (TextEncoder). */
JSValue js_utf8_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);
/** utf8Decode(Uint8Array): the text of its UTF-8 bytes (TextDecoder). */
JSValue js_utf8_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

/* ---- main.c ---- */

/**
 * Writes the pending exception (message, then the stack with file:line:column) to stderr, in
 * the form the build tool shows; returns it as text too (caller frees with js_free).
 */
char *tw_exception_text(JSContext *ctx);

#endif /* TW_JS_ENGINE_H */
