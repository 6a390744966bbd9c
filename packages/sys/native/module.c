/* @ironlb/sys native addon: registration and constants.
 *
 * A handful of syscalls for what Node's net and dgram cannot do (AF_PACKET, TCP_MD5SIG, TTL
 * and minimum-TTL options, netlink wake-ups). Every function returns errno values; nothing
 * here parses packets. See ../src/binding.ts for the typed view of this module. */
#include "args.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <uv.h>

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

napi_value ironlb_if_info(napi_env, napi_callback_info);
napi_value ironlb_if_list(napi_env, napi_callback_info);
napi_value ironlb_packet_open(napi_env, napi_callback_info);
napi_value ironlb_packet_send(napi_env, napi_callback_info);
napi_value ironlb_packet_recv(napi_env, napi_callback_info);
napi_value ironlb_packet_membership(napi_env, napi_callback_info);
napi_value ironlb_packet_stats(napi_env, napi_callback_info);
napi_value ironlb_attach_filter(napi_env, napi_callback_info);
napi_value ironlb_socket_open(napi_env, napi_callback_info);
napi_value ironlb_bind_addr(napi_env, napi_callback_info);
napi_value ironlb_connect_addr(napi_env, napi_callback_info);
napi_value ironlb_listen_fd(napi_env, napi_callback_info);
napi_value ironlb_socket_error(napi_env, napi_callback_info);
napi_value ironlb_socket_family(napi_env, napi_callback_info);
napi_value ironlb_tcp_md5(napi_env, napi_callback_info);
napi_value ironlb_setsockopt_int(napi_env, napi_callback_info);
napi_value ironlb_getsockopt_int(napi_env, napi_callback_info);
napi_value ironlb_close_fd(napi_env, napi_callback_info);
napi_value ironlb_netlink_open(napi_env, napi_callback_info);
napi_value ironlb_recv_bytes(napi_env, napi_callback_info);
napi_value ironlb_netns_open(napi_env, napi_callback_info);
napi_value ironlb_netns_set(napi_env, napi_callback_info);
napi_value ironlb_netlink_send(napi_env, napi_callback_info);
napi_value ironlb_poll_start(napi_env, napi_callback_info);
napi_value ironlb_poll_stop(napi_env, napi_callback_info);
napi_value ironlb_poll_update(napi_env, napi_callback_info);
napi_value ironlb_poll_ref(napi_env, napi_callback_info);

#define C(name) ironlb_set_int(env, constants, #name, name)

static napi_value make_constants(napi_env env) {
  napi_value constants;
  napi_create_object(env, &constants);
  C(AF_INET); C(AF_INET6); C(AF_PACKET); C(AF_NETLINK);
  C(SOCK_STREAM); C(SOCK_DGRAM); C(SOCK_RAW);
  C(SOL_SOCKET); C(SO_TYPE); C(SO_RCVBUF); C(SO_SNDBUF); C(SO_REUSEADDR); C(SO_REUSEPORT);
  C(IPPROTO_IP); C(IPPROTO_IPV6); C(IPPROTO_TCP);
  C(IP_TTL); C(IP_MINTTL); C(IP_MULTICAST_TTL);
  C(IPV6_UNICAST_HOPS); C(IPV6_MULTICAST_HOPS); C(IPV6_MINHOPCOUNT); C(IPV6_V6ONLY);
  C(TCP_MD5SIG); C(TCP_MD5SIG_MAXKEYLEN); C(TCP_NODELAY);
  C(ETH_P_ARP); C(ETH_P_IPV6); C(ETH_P_IP); C(ETH_P_ALL);
  C(PACKET_HOST); C(PACKET_BROADCAST); C(PACKET_MULTICAST); C(PACKET_OTHERHOST); C(PACKET_OUTGOING);
  C(IFF_UP); C(IFF_BROADCAST); C(IFF_LOOPBACK); C(IFF_RUNNING); C(IFF_NOARP); C(IFF_PROMISC);
  C(IFF_MASTER); C(IFF_SLAVE); C(IFF_MULTICAST);
  C(RTMGRP_LINK); C(RTMGRP_IPV4_IFADDR); C(RTMGRP_IPV6_IFADDR);
  C(UV_READABLE); C(UV_WRITABLE);
  C(EAGAIN); C(EWOULDBLOCK); C(EINPROGRESS); C(EINTR); C(ETIMEDOUT);
  C(RTM_GETLINK); C(RTM_NEWLINK); C(RTM_DELLINK); C(NLM_F_REQUEST); C(NLM_F_DUMP); C(NLMSG_DONE); C(NLMSG_ERROR);
  C(IFLA_ADDRESS); C(IFLA_IFNAME); C(IFLA_MTU); C(IFLA_MASTER); C(IFLA_LINKINFO); C(IFLA_INFO_KIND);
  return constants;
}

#define F(js, c) {js, NULL, c, NULL, NULL, NULL, napi_enumerable, NULL}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      F("ifInfo", ironlb_if_info),
      F("ifList", ironlb_if_list),
      F("packetOpen", ironlb_packet_open),
      F("packetSend", ironlb_packet_send),
      F("packetRecv", ironlb_packet_recv),
      F("packetMembership", ironlb_packet_membership),
      F("packetStats", ironlb_packet_stats),
      F("attachFilter", ironlb_attach_filter),
      F("socketOpen", ironlb_socket_open),
      F("bindAddr", ironlb_bind_addr),
      F("connectAddr", ironlb_connect_addr),
      F("listenFd", ironlb_listen_fd),
      F("socketError", ironlb_socket_error),
      F("socketFamily", ironlb_socket_family),
      F("tcpMd5", ironlb_tcp_md5),
      F("setsockoptInt", ironlb_setsockopt_int),
      F("getsockoptInt", ironlb_getsockopt_int),
      F("closeFd", ironlb_close_fd),
      F("netlinkOpen", ironlb_netlink_open),
      F("recvBytes", ironlb_recv_bytes),
      F("netnsOpen", ironlb_netns_open),
      F("netnsSet", ironlb_netns_set),
      F("netlinkSend", ironlb_netlink_send),
      F("pollStart", ironlb_poll_start),
      F("pollStop", ironlb_poll_stop),
      F("pollUpdate", ironlb_poll_update),
      F("pollRef", ironlb_poll_ref),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "constants", make_constants(env));
  return exports;
}
