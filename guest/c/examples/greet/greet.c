/*
 * greet: returns "Hello, <name>!" for a JSON string parameter (default "World").
 *
 * Input:  params[0], optional: a json/plain payload holding a JSON string.
 * Result: one json/plain payload holding the greeting as a JSON string.
 * Fails with a non-retryable `InvalidInput` failure for any other parameter.
 */
#include "temporal_wasm.h"

TW_EXPORT("run") void run(void) {
    const tw_info *info = tw_get_info();

    tw_str name = TW_STR("World");
    tw_json param;
    tw_param_status status = tw_param_json(info, 0, &param);
    if (status == TW_PARAM_INVALID || (status == TW_PARAM_OK && !tw_json_string(param, &name))) {
        tw_fail((tw_failure){
            .message = TW_STR("greet expects a JSON string name"),
            .type = TW_STR("InvalidInput"),
            .non_retryable = true,
        });
    }

    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("greeting "), name));

    tw_json_writer greeting = {0};
    tw_jw_string(&greeting, TW_CONCAT(TW_STR("Hello, "), name, TW_STR("!")));
    tw_complete_json(tw_jw_result(&greeting));
}
