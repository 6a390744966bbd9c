/* Argument helpers: see args.h. */
#include "args.h"

#include <string.h>

void ironlb_throw_last(napi_env env, const char *what) {
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const char *msg = (info && info->error_message) ? info->error_message : "napi call failed";
  napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", msg);
  (void)what;
}

bool ironlb_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    ironlb_throw_last(env, "napi_get_cb_info");
    return false;
  }
  if (argc < want) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "too few arguments");
    return false;
  }
  return true;
}

bool ironlb_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected an integer");
    return false;
  }
  return true;
}

bool ironlb_uint(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected an unsigned integer");
    return false;
  }
  return true;
}

bool ironlb_bool(napi_env env, napi_value v, bool *out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected a boolean");
    return false;
  }
  return true;
}

bool ironlb_bytes(napi_env env, napi_value v, bool allow_null, uint8_t **data, size_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (allow_null && (t == napi_null || t == napi_undefined)) {
    *data = NULL;
    *len = 0;
    return true;
  }
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (is_typed) {
    napi_typedarray_type type;
    size_t length;
    void *ptr;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &offset) == napi_ok &&
        type == napi_uint8_array) {
      *data = (uint8_t *)ptr;
      *len = length;
      return true;
    }
  }
  napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected a Uint8Array");
  return false;
}

bool ironlb_string(napi_env env, napi_value v, char *buf, size_t size) {
  size_t copied = 0;
  if (napi_get_value_string_utf8(env, v, buf, size, &copied) != napi_ok) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected a string");
    return false;
  }
  if (copied + 1 >= size) {
    napi_throw_range_error(env, "ERR_IRONLB_SYS_ARGUMENT", "string too long");
    return false;
  }
  return true;
}

napi_value ironlb_number(napi_env env, double value) {
  napi_value v = NULL;
  napi_create_double(env, value, &v);
  return v;
}

napi_value ironlb_neg_errno(napi_env env, int err) { return ironlb_number(env, -(double)err); }

void ironlb_set_int(napi_env env, napi_value obj, const char *key, double value) {
  napi_set_named_property(env, obj, key, ironlb_number(env, value));
}

napi_value ironlb_failure(napi_env env, int err, const char *syscall) {
  napi_value obj = NULL, s = NULL;
  napi_create_object(env, &obj);
  ironlb_set_int(env, obj, "errno", err);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "syscall", s);
  return obj;
}
