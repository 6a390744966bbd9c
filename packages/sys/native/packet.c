/* AF_PACKET sockets and interface information.
 *
 * Only syscalls: the frames are opaque bytes here, built and parsed in TypeScript. */
#include "args.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* ifInfo(name) -> { errno: 0, ifindex, flags, mtu, hwtype, mac: Uint8Array(6) } | { errno, syscall } */
napi_value ironlb_if_info(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char name[IFNAMSIZ + 1];
  if (!ironlb_args(env, info, 1, argv) || !ironlb_string(env, argv[0], name, sizeof name)) return NULL;
  if (strlen(name) >= IFNAMSIZ) return ironlb_failure(env, ENODEV, "if_nametoindex");
  unsigned idx = if_nametoindex(name);
  if (idx == 0) return ironlb_failure(env, errno, "if_nametoindex");
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return ironlb_failure(env, errno, "socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, strlen(name) + 1); /* length checked above */
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
    int e = errno;
    close(s);
    return ironlb_failure(env, e, "ioctl");
  }
  int flags = (unsigned short)ifr.ifr_flags;
  if (ioctl(s, SIOCGIFMTU, &ifr) < 0) {
    int e = errno;
    close(s);
    return ironlb_failure(env, e, "ioctl");
  }
  int mtu = ifr.ifr_mtu;
  if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
    int e = errno;
    close(s);
    return ironlb_failure(env, e, "ioctl");
  }
  close(s);
  napi_value obj, mac_ab, mac;
  void *mac_data;
  NAPI_OK(env, napi_create_object(env, &obj));
  ironlb_set_int(env, obj, "errno", 0);
  ironlb_set_int(env, obj, "ifindex", idx);
  ironlb_set_int(env, obj, "flags", flags);
  ironlb_set_int(env, obj, "mtu", mtu);
  ironlb_set_int(env, obj, "hwtype", ifr.ifr_hwaddr.sa_family);
  NAPI_OK(env, napi_create_arraybuffer(env, 6, &mac_data, &mac_ab));
  memcpy(mac_data, ifr.ifr_hwaddr.sa_data, 6);
  NAPI_OK(env, napi_create_typedarray(env, napi_uint8_array, 6, mac_ab, 0, &mac));
  napi_set_named_property(env, obj, "mac", mac);
  return obj;
}

/* ifList() -> [{ name, ifindex }] | { errno, syscall } */
napi_value ironlb_if_list(napi_env env, napi_callback_info info) {
  struct if_nameindex *list = if_nameindex();
  if (list == NULL) return ironlb_failure(env, errno, "if_nameindex");
  napi_value arr;
  if (napi_create_array(env, &arr) != napi_ok) {
    if_freenameindex(list);
    return NULL;
  }
  uint32_t n = 0;
  for (struct if_nameindex *p = list; p->if_index != 0 && p->if_name != NULL; p++) {
    napi_value obj, name;
    napi_create_object(env, &obj);
    napi_create_string_utf8(env, p->if_name, NAPI_AUTO_LENGTH, &name);
    napi_set_named_property(env, obj, "name", name);
    ironlb_set_int(env, obj, "ifindex", p->if_index);
    napi_set_element(env, arr, n++, obj);
  }
  if_freenameindex(list);
  return arr;
}

static int attach_filter(int fd, const uint8_t *prog, size_t len) {
  if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > 4096)
    return EINVAL;
  struct sock_fprog fprog = {
      .len = (unsigned short)(len / sizeof(struct sock_filter)),
      .filter = (struct sock_filter *)prog, /* struct sock_filter is 8 bytes, host order */
  };
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) < 0) return errno;
  return 0;
}

/* packetOpen(ifindex, ethertype, filter: Uint8Array | null, ignoreOutgoing: boolean)
 *   -> { errno: 0, fd } | { errno, syscall }
 * The socket is created with protocol 0 (it receives nothing), the filter is attached, and
 * only then is it bound to (ethertype, ifindex): no unfiltered frame can slip in between. */
napi_value ironlb_packet_open(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t ifindex, ethertype;
  uint8_t *prog;
  size_t prog_len;
  bool ignore_outgoing;
  if (!ironlb_args(env, info, 4, argv) || !ironlb_int(env, argv[0], &ifindex) ||
      !ironlb_int(env, argv[1], &ethertype) || !ironlb_bytes(env, argv[2], true, &prog, &prog_len) ||
      !ironlb_bool(env, argv[3], &ignore_outgoing))
    return NULL;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ironlb_failure(env, errno, "socket");
  int err;
  if (prog != NULL && (err = attach_filter(fd, prog, prog_len)) != 0) {
    close(fd);
    return ironlb_failure(env, err, "setsockopt");
  }
  if (ignore_outgoing) {
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) {
      err = errno;
      close(fd);
      return ironlb_failure(env, err, "setsockopt");
    }
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons((uint16_t)ethertype);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    err = errno;
    close(fd);
    return ironlb_failure(env, err, "bind");
  }
  napi_value obj;
  NAPI_OK(env, napi_create_object(env, &obj));
  ironlb_set_int(env, obj, "errno", 0);
  ironlb_set_int(env, obj, "fd", fd);
  return obj;
}

/* packetSend(fd, ifindex, frame) -> bytes sent | -errno  (frame includes the Ethernet header) */
napi_value ironlb_packet_send(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, ifindex;
  uint8_t *frame;
  size_t len;
  if (!ironlb_args(env, info, 3, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &ifindex) ||
      !ironlb_bytes(env, argv[2], false, &frame, &len))
    return NULL;
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex;
  sll.sll_halen = ETH_ALEN;
  if (len >= ETH_ALEN) memcpy(sll.sll_addr, frame, ETH_ALEN);
  ssize_t n = sendto(fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof sll);
  if (n < 0) return ironlb_neg_errno(env, errno);
  return ironlb_number(env, (double)n);
}

/* packetRecv(fd, buf, meta: Int32Array(3)) -> captured length | -errno (EAGAIN when empty).
 * meta[0] = sll_pkttype, meta[1] = sll_ifindex, meta[2] = length on the wire (> captured
 * length when buf was too small). */
napi_value ironlb_packet_recv(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint8_t *buf;
  size_t len;
  if (!ironlb_args(env, info, 3, argv) || !ironlb_int(env, argv[0], &fd) ||
      !ironlb_bytes(env, argv[1], false, &buf, &len))
    return NULL;
  napi_typedarray_type type;
  size_t meta_len;
  void *meta_ptr;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, argv[2], &type, &meta_len, &meta_ptr, &ab, &off) != napi_ok ||
      type != napi_int32_array || meta_len < 3) {
    napi_throw_type_error(env, "ERR_IRONLB_SYS_ARGUMENT", "meta must be an Int32Array(3)");
    return NULL;
  }
  int32_t *meta = meta_ptr;
  struct sockaddr_ll sll;
  socklen_t sl = sizeof sll;
  memset(&sll, 0, sizeof sll);
  ssize_t n = recvfrom(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &sl);
  if (n < 0) return ironlb_neg_errno(env, errno);
  meta[0] = sll.sll_pkttype;
  meta[1] = sll.sll_ifindex;
  meta[2] = (int32_t)n;
  return ironlb_number(env, (double)((size_t)n < len ? (size_t)n : len));
}

/* packetMembership(fd, ifindex, mac: Uint8Array(6), add) -> 0 | -errno */
napi_value ironlb_packet_membership(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, ifindex;
  uint8_t *mac;
  size_t mac_len;
  bool add;
  if (!ironlb_args(env, info, 4, argv) || !ironlb_int(env, argv[0], &fd) || !ironlb_int(env, argv[1], &ifindex) ||
      !ironlb_bytes(env, argv[2], false, &mac, &mac_len) || !ironlb_bool(env, argv[3], &add))
    return NULL;
  if (mac_len != ETH_ALEN) return ironlb_neg_errno(env, EINVAL);
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = ifindex;
  mr.mr_type = PACKET_MR_MULTICAST;
  mr.mr_alen = ETH_ALEN;
  memcpy(mr.mr_address, mac, ETH_ALEN);
  if (setsockopt(fd, SOL_PACKET, add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, &mr, sizeof mr) < 0)
    return ironlb_neg_errno(env, errno);
  return ironlb_number(env, 0);
}

/* packetStats(fd) -> { errno: 0, packets, drops } | { errno, syscall }. Reading resets the
 * kernel's counters (PACKET_STATISTICS semantics): callers accumulate. */
napi_value ironlb_packet_stats(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!ironlb_args(env, info, 1, argv) || !ironlb_int(env, argv[0], &fd)) return NULL;
  struct tpacket_stats st;
  socklen_t sl = sizeof st;
  if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) < 0)
    return ironlb_failure(env, errno, "getsockopt");
  napi_value obj;
  NAPI_OK(env, napi_create_object(env, &obj));
  ironlb_set_int(env, obj, "errno", 0);
  ironlb_set_int(env, obj, "packets", st.tp_packets);
  ironlb_set_int(env, obj, "drops", st.tp_drops);
  return obj;
}

/* attachFilter(fd, program: Uint8Array of struct sock_filter) -> 0 | -errno; null detaches. */
napi_value ironlb_attach_filter(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint8_t *prog;
  size_t len;
  if (!ironlb_args(env, info, 2, argv) || !ironlb_int(env, argv[0], &fd) ||
      !ironlb_bytes(env, argv[1], true, &prog, &len))
    return NULL;
  if (prog == NULL) {
    int dummy = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof dummy) < 0)
      return ironlb_neg_errno(env, errno);
    return ironlb_number(env, 0);
  }
  int err = attach_filter(fd, prog, len);
  return err ? ironlb_neg_errno(env, err) : ironlb_number(env, 0);
}
