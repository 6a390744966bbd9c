/* Argument helpers shared by the addon's functions.
 *
 * Conventions of the whole addon: functions never throw JavaScript exceptions for system
 * failures. They return a negative errno (number) or an object with `errno` and `syscall`,
 * and the TypeScript wrapper builds the Node-style system error. A JavaScript exception is only
 * raised for a programming error (wrong argument types), which the TypeScript side prevents. */
#ifndef IRONLB_SYS_ARGS_H
#define IRONLB_SYS_ARGS_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define MAX_ARGS 8

/* Evaluate a napi call; on failure throw a TypeError-ish error and return NULL. */
#define NAPI_OK(env, call)                                                   \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      ironlb_throw_last(env, #call);                                         \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

void ironlb_throw_last(napi_env env, const char *what);
bool ironlb_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
bool ironlb_int(napi_env env, napi_value v, int32_t *out);
bool ironlb_uint(napi_env env, napi_value v, uint32_t *out);
bool ironlb_bool(napi_env env, napi_value v, bool *out);
/* Bytes of a Uint8Array/Buffer (or null/undefined when allow_null: *data = NULL, *len = 0). */
bool ironlb_bytes(napi_env env, napi_value v, bool allow_null, uint8_t **data, size_t *len);
/* Copy a JS string into buf (NUL terminated); fails when it does not fit. */
bool ironlb_string(napi_env env, napi_value v, char *buf, size_t size);

napi_value ironlb_number(napi_env env, double value);
/* -errno as a JS number. */
napi_value ironlb_neg_errno(napi_env env, int err);
/* { errno, syscall } for a failure. */
napi_value ironlb_failure(napi_env env, int err, const char *syscall);
void ironlb_set_int(napi_env env, napi_value obj, const char *key, double value);

#endif
