/* Event-loop readiness for any fd: a uv_poll_t on Node's own loop. The callback gets
 * (status, events) and does the reads/writes itself through the other functions; nothing
 * here blocks. libuv polls level-triggered, so a callback that leaves frames queued (bounded
 * work per tick) is called again on the next loop iteration. */
#include "args.h"

#include <stdlib.h>
#include <uv.h>

typedef struct {
  uv_poll_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  bool closing;   /* uv_close requested */
  bool closed;    /* uv close callback ran */
  bool finalized; /* the JS external was collected */
} ironlb_poll;

static void maybe_free(ironlb_poll *p) {
  if (p->closed && p->finalized) free(p);
}

static void on_close(uv_handle_t *h) {
  ironlb_poll *p = h->data;
  p->closed = true;
  maybe_free(p);
}

static void release_js(ironlb_poll *p) {
  if (p->callback) {
    napi_delete_reference(p->env, p->callback);
    p->callback = NULL;
  }
  if (p->async) {
    napi_async_destroy(p->env, p->async);
    p->async = NULL;
  }
}

static void on_poll(uv_poll_t *h, int status, int events) {
  ironlb_poll *p = h->data;
  if (p->closing || p->callback == NULL) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, argv[2], result;
  napi_get_reference_value(env, p->callback, &cb);
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  argv[0] = ironlb_number(env, status);
  argv[1] = ironlb_number(env, events);
  if (cb != NULL) {
    napi_status st = napi_make_callback(env, p->async, recv, cb, 2, argv, &result);
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_finalize(napi_env env, void *data, void *hint) {
  ironlb_poll *p = data;
  p->finalized = true;
  maybe_free(p);
}

/* pollStart(fd, events, callback) -> handle (external) | -errno
 * events: 1 = readable (UV_READABLE), 2 = writable (UV_WRITABLE). */
napi_value ironlb_poll_start(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, events;
  if (!ironlb_args(env, info, 3, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &events))
    return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected a function");
    return NULL;
  }
  uv_loop_t *loop;
  NAPI_OK(env, napi_get_uv_event_loop(env, &loop));
  ironlb_poll *p = calloc(1, sizeof *p);
  if (p == NULL) return ironlb_neg_errno(env, 12 /* ENOMEM */);
  int rc = uv_poll_init(loop, &p->handle, fd);
  if (rc != 0) {
    free(p);
    return ironlb_number(env, rc); /* libuv errors are already -errno on Unix */
  }
  p->handle.data = p;
  p->env = env;
  napi_value name, ext;
  napi_create_string_utf8(env, "IronlbPoll", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &p->async);
  napi_create_reference(env, argv[2], 1, &p->callback);
  rc = uv_poll_start(&p->handle, events, on_poll);
  if (rc != 0) {
    release_js(p);
    p->closing = true;
    p->finalized = true; /* no external will exist */
    uv_close((uv_handle_t *)&p->handle, on_close);
    return ironlb_number(env, rc);
  }
  if (napi_create_external(env, p, on_finalize, NULL, &ext) != napi_ok) {
    release_js(p);
    p->closing = true;
    p->finalized = true;
    uv_close((uv_handle_t *)&p->handle, on_close);
    ironlb_throw_last(env, "napi_create_external");
    return NULL;
  }
  return ext;
}

static ironlb_poll *poll_arg(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "expected a poll handle");
    return NULL;
  }
  return data;
}

/* pollStop(handle) -> 0. Stops watching at once (the fd may be handed to another handle right
 * after) and releases the callback. Idempotent. */
napi_value ironlb_poll_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!ironlb_args(env, info, 1, argv)) return NULL;
  ironlb_poll *p = poll_arg(env, argv[0]);
  if (p == NULL) return NULL;
  if (!p->closing) {
    p->closing = true;
    uv_poll_stop(&p->handle);
    release_js(p);
    uv_close((uv_handle_t *)&p->handle, on_close);
  }
  return ironlb_number(env, 0);
}

/* pollUpdate(handle, events) -> 0 | -errno */
napi_value ironlb_poll_update(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t events;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[1], &events)) return NULL;
  ironlb_poll *p = poll_arg(env, argv[0]);
  if (p == NULL) return NULL;
  if (p->closing) return ironlb_neg_errno(env, 9 /* EBADF */);
  return ironlb_number(env, uv_poll_start(&p->handle, events, on_poll));
}

/* pollRef(handle, ref) -> 0: whether this watcher keeps the event loop alive. */
napi_value ironlb_poll_ref(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  bool ref;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_bool(env, argv[1], &ref)) return NULL;
  ironlb_poll *p = poll_arg(env, argv[0]);
  if (p == NULL) return NULL;
  if (!p->closing) {
    if (ref)
      uv_ref((uv_handle_t *)&p->handle);
    else
      uv_unref((uv_handle_t *)&p->handle);
  }
  return ironlb_number(env, 0);
}
