/* Inet and netlink socket syscalls: socket, bind, connect, listen, TCP_MD5SIG, int options. */
#include "args.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* socketOpen(family, type) -> fd | -errno, non-blocking and close-on-exec. */
napi_value ironlb_socket_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t family, type;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[0], &family) || !ironlb_int(env, argv[1], &type))
    return NULL;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, fd);
}

/* Fill a sockaddr from (family, address bytes, port, scope id). */
static int make_sockaddr(int family, const uint8_t *addr, size_t len, int port, uint32_t scope,
                         struct sockaddr_storage *ss, socklen_t *sl) {
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET && len == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    memcpy(&sin->sin_addr, addr, 4);
    *sl = sizeof *sin;
    return 0;
  }
  if (family == AF_INET6 && len == 16) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    sin6->sin6_scope_id = scope;
    memcpy(&sin6->sin6_addr, addr, 16);
    *sl = sizeof *sin6;
    return 0;
  }
  return EINVAL;
}

static bool addr_args(napi_env env, napi_value *argv, int32_t *fd, int32_t *family, uint8_t **addr, size_t *len,
                      int32_t *port, uint32_t *scope) {
  return ironlb_int(env, argv[0], fd) && ironlb_int(env, argv[1], family) &&
         ironlb_bytes(env, argv[2], false, addr, len) && ironlb_int(env, argv[3], port) &&
         ironlb_uint(env, argv[4], scope);
}

/* Calls op(fd, sockaddr) with the address given as (fd, family, addr, port, scopeId). */
typedef int (*sockaddr_op)(int, const struct sockaddr *, socklen_t);
static napi_value call_with_sockaddr(napi_env env, napi_callback_info info, sockaddr_op op) {
  napi_value argv[5];
  int32_t fd, family, port;
  uint32_t scope;
  uint8_t *addr;
  size_t len;
  if (!ironlb_args(env, info, 5, argv) || !addr_args(env, argv, &fd, &family, &addr, &len, &port, &scope))
    return NULL;
  struct sockaddr_storage ss;
  socklen_t sl;
  int err = make_sockaddr(family, addr, len, port, scope, &ss, &sl);
  if (err) return ironlb_neg_errno(env, err);
  if (op(fd, (struct sockaddr *)&ss, sl) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* bindAddr(fd, family, addr, port, scopeId) -> 0 | -errno */
napi_value ironlb_bind_addr(napi_env env, napi_callback_info info) {
  return call_with_sockaddr(env, info, bind);
}

/* connectAddr(fd, family, addr, port, scopeId) -> 0 | -errno (-EINPROGRESS for a pending
 * non-blocking connect: wait for the fd to become writable, then read socketError). */
napi_value ironlb_connect_addr(napi_env env, napi_callback_info info) {
  return call_with_sockaddr(env, info, connect);
}

/* listenFd(fd, backlog) -> 0 | -errno */
napi_value ironlb_listen_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, backlog;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &backlog))
    return NULL;
  if (listen(fd, backlog) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* socketError(fd) -> -SO_ERROR (0 when the pending connect succeeded) | -errno */
napi_value ironlb_socket_error(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_int(env, argv[0], &fd)) return NULL;
  int soerr = 0;
  socklen_t sl = sizeof soerr;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_neg_errno(env, soerr);
}

/* socketFamily(fd) -> AF_* | -errno */
napi_value ironlb_socket_family(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_int(env, argv[0], &fd)) return NULL;
  int domain = 0;
  socklen_t sl = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, domain);
}

/* tcpMd5(fd, peerFamily, peerAddr, prefixLength, key | null) -> 0 | -errno
 * RFC 2385 via Linux struct tcp_md5sig. A null or empty key removes the peer's key. A prefix
 * shorter than the address uses TCP_MD5SIG_EXT with TCP_MD5SIG_FLAG_PREFIX. */
napi_value ironlb_tcp_md5(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, family, prefix;
  uint8_t *addr, *key;
  size_t addr_len, key_len;
  if (!ironlb_args(env, info, 5, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &family) ||
      !ironlb_bytes(env, argv[2], false, &addr, &addr_len) || !ironlb_int(env, argv[3], &prefix) ||
      !ironlb_bytes(env, argv[4], true, &key, &key_len))
    return NULL;
  if (key_len > TCP_MD5SIG_MAXKEYLEN) return ironlb_neg_errno(env, EINVAL);
  struct tcp_md5sig md5;
  memset(&md5, 0, sizeof md5);
  socklen_t sl;
  int err = make_sockaddr(family, addr, addr_len, 0, 0, &md5.tcpm_addr, &sl);
  if (err) return ironlb_neg_errno(env, err);
  int full = family == AF_INET ? 32 : 128;
  int opt = TCP_MD5SIG;
  if (prefix >= 0 && prefix < full) {
    opt = TCP_MD5SIG_EXT;
    md5.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
    md5.tcpm_prefixlen = (uint8_t)prefix;
  }
  md5.tcpm_keylen = (uint16_t)key_len;
  if (key_len) memcpy(md5.tcpm_key, key, key_len);
  int rc = setsockopt(fd, IPPROTO_TCP, opt, &md5, sizeof md5);
  err = errno;
  memset(&md5, 0, sizeof md5); /* do not leave the key on the stack */
  if (rc < 0) return ironlb_neg_errno(env, err);
  return ironlb_number(env, 0);
}

/* setsockoptInt(fd, level, name, value) -> 0 | -errno */
napi_value ironlb_setsockopt_int(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, name, value;
  if (!ironlb_args(env, info, 4, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &level) ||
      !ironlb_int(env, argv[2], &name) || !ironlb_int(env, argv[3], &value))
    return NULL;
  int v = value;
  if (setsockopt(fd, level, name, &v, sizeof v) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* getsockoptInt(fd, level, name) -> { errno: 0, value } | { errno, syscall } */
napi_value ironlb_getsockopt_int(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, level, name;
  if (!ironlb_args(env, info, 3, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &level) ||
      !ironlb_int(env, argv[2], &name))
    return NULL;
  int v = 0;
  socklen_t sl = sizeof v;
  if (getsockopt(fd, level, name, &v, &sl) < 0) return ironlb_failure(env, errno, "getsockopt");
  napi_value obj;
  NAPI_OK(env, napi_create_object(env, &obj));
  ironlb_set_int(env, obj, "errno", 0);
  ironlb_set_int(env, obj, "value", v);
  return obj;
}

/* closeFd(fd) -> 0 | -errno */
napi_value ironlb_close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_int(env, argv[0], &fd)) return NULL;
  if (close(fd) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* netlinkOpen(groups) -> fd | -errno: a NETLINK_ROUTE socket subscribed to `groups`
 * (RTMGRP_* bits). Used as a wake-up source: callers drain it and rescan, the messages are
 * not parsed here. */
napi_value ironlb_netlink_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint32_t groups;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_uint(env, argv[0], &groups)) return NULL;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return ironlb_neg_errno(env, errno);
  struct sockaddr_nl snl;
  memset(&snl, 0, sizeof snl);
  snl.nl_family = AF_NETLINK;
  snl.nl_groups = groups;
  if (bind(fd, (struct sockaddr *)&snl, sizeof snl) < 0) {
    int err = errno;
    close(fd);
    return ironlb_neg_errno(env, err);
  }
  return ironlb_number(env, fd);
}

/* recvBytes(fd, buf) -> length | -errno (non-blocking recv, no address) */
napi_value ironlb_recv_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint8_t *buf;
  size_t len;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[0], &fd) ||
      !ironlb_bytes(env, argv[1], false, &buf, &len))
    return NULL;
  ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
  if (n < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, (double)n);
}

#include <fcntl.h>
#include <sched.h>

/* netnsOpen(path) -> fd | -errno: a namespace file (/run/netns/NAME, /proc/thread-self/ns/net). */
napi_value ironlb_netns_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char path[4096];
  if (!ironlb_args(env, info, 1, argv) || !ironlb_string(env, argv[0], path, sizeof path)) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, fd);
}

/* netnsSet(fd) -> 0 | -errno: move the calling thread (the JavaScript thread) into that
 * network namespace. Sockets keep the namespace they were created in. */
napi_value ironlb_netns_set(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_int(env, argv[0], &fd)) return NULL;
  if (setns(fd, CLONE_NEWNET) < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* netlinkSend(fd, bytes) -> length | -errno: a request to the kernel (nl_pid 0). */
napi_value ironlb_netlink_send(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint8_t *buf;
  size_t len;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[0], &fd) ||
      !ironlb_bytes(env, argv[1], false, &buf, &len))
    return NULL;
  struct sockaddr_nl snl;
  memset(&snl, 0, sizeof snl);
  snl.nl_family = AF_NETLINK;
  ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&snl, sizeof snl);
  if (n < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, (double)n);
}
