/*
 * usctp: SCTP in user space, over UDP encapsulation (RFC 6951).
 *
 * The one public header: the SCTP sockets API of RFC 6458 and FreeBSD's
 * sctp_send(3), with the standard names (sctp_send, sctp_sendx, ...) and
 * usctp_-prefixed calls where a libc name would clash (usctp_socket, ...).
 *
 * Structures, option names and notification types carry FreeBSD's numeric
 * values, so code written for FreeBSD's <netinet/sctp.h> compiles unchanged
 * once the libc-clashing calls are renamed. This header is self-contained:
 * do not include a system <netinet/sctp.h> in the same file.
 *
 * Every usctp socket is a real file descriptor: poll/select/epoll work on it,
 * and fcntl(sd, F_SETFL, O_NONBLOCK) makes it non-blocking. Close it with
 * usctp_close, not close(). See docs/sockets.md.
 */
#ifndef USCTP_H
#define USCTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

#define USCTP_VERSION_MAJOR 0
#define USCTP_VERSION_MINOR 1
#define USCTP_VERSION_PATCH 0

/* The library's version as "major.minor.patch". */
const char *usctp_version(void);

/* ------------------------------------------------------------------ */
/* Runtime                                                             */
/* ------------------------------------------------------------------ */

/* The default UDP encapsulation port (RFC 6951). */
#define USCTP_DEFAULT_UDP_PORT 9899

/*
 * Start the runtime with the given local UDP encapsulation port (0: take
 * USCTP_UDP_PORT from the environment, else 9899). Optional: the runtime
 * starts on first use. Fails with EBUSY if it is already running on another
 * port, and with the bind error if the port is taken.
 */
int usctp_init(uint16_t udp_port);
/*
 * Tear the runtime down: abort every association, close every usctp socket,
 * stop the I/O thread and free everything. Also runs at exit. The runtime may
 * be started again afterwards.
 */
void usctp_finish(void);
/* The local UDP encapsulation port in use (0 when the runtime is stopped). */
uint16_t usctp_udp_port(void);

/* ------------------------------------------------------------------ */
/* Basic types and constants                                          */
/* ------------------------------------------------------------------ */

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

typedef uint32_t sctp_assoc_t;

#define SCTP_FUTURE_ASSOC 0
#define SCTP_CURRENT_ASSOC 1
#define SCTP_ALL_ASSOC 2

/* recvmsg / sctp_recvmsg flag: this message is a notification. */
#ifndef MSG_NOTIFICATION
#define MSG_NOTIFICATION 0x2000
#endif

/* sinfo_flags / snd_flags (sctp_send(3)). */
#define SCTP_EOF 0x0100
#define SCTP_ABORT 0x0200
#define SCTP_UNORDERED 0x0400
#define SCTP_ADDR_OVER 0x0800
#define SCTP_SENDALL 0x1000
#define SCTP_EOR 0x2000
#define SCTP_SACK_IMMEDIATELY 0x4000

/* PR-SCTP policies: the low nibble of sinfo_flags. */
#define SCTP_PR_SCTP_NONE 0x0000
#define SCTP_PR_SCTP_TTL 0x0001
#define SCTP_PR_SCTP_BUF 0x0002
#define SCTP_PR_SCTP_RTX 0x0003
#define SCTP_PR_SCTP_ALL 0x000f
#define PR_SCTP_POLICY(x) ((x)&0x0f)
#define PR_SCTP_ENABLED(x) (PR_SCTP_POLICY(x) != SCTP_PR_SCTP_NONE)

/* ------------------------------------------------------------------ */
/* Socket option names (level IPPROTO_SCTP), FreeBSD values           */
/* ------------------------------------------------------------------ */
#define SCTP_RTOINFO 0x00000001
#define SCTP_ASSOCINFO 0x00000002
#define SCTP_INITMSG 0x00000003
#define SCTP_NODELAY 0x00000004
#define SCTP_AUTOCLOSE 0x00000005
#define SCTP_SET_PEER_PRIMARY_ADDR 0x00000006
#define SCTP_PRIMARY_ADDR 0x00000007
#define SCTP_ADAPTATION_LAYER 0x00000008
#define SCTP_DISABLE_FRAGMENTS 0x00000009
#define SCTP_PEER_ADDR_PARAMS 0x0000000a
#define SCTP_DEFAULT_SEND_PARAM 0x0000000b
#define SCTP_EVENTS 0x0000000c
#define SCTP_I_WANT_MAPPED_V4_ADDR 0x0000000d
#define SCTP_MAXSEG 0x0000000e
#define SCTP_DELAYED_SACK 0x0000000f
#define SCTP_FRAGMENT_INTERLEAVE 0x00000010
#define SCTP_PARTIAL_DELIVERY_POINT 0x00000011
#define SCTP_MAX_BURST 0x00000019
#define SCTP_CONTEXT 0x0000001a
#define SCTP_EXPLICIT_EOR 0x0000001b
#define SCTP_REUSE_PORT 0x0000001c
#define SCTP_EVENT 0x0000001e
#define SCTP_RECVRCVINFO 0x0000001f
#define SCTP_RECVNXTINFO 0x00000020
#define SCTP_DEFAULT_SNDINFO 0x00000021
#define SCTP_DEFAULT_PRINFO 0x00000022
#define SCTP_PEER_ADDR_THLDS 0x00000023
#define SCTP_REMOTE_UDP_ENCAPS_PORT 0x00000024
#define SCTP_PR_SUPPORTED 0x00000026 /* RFC 7496 4.5: advertise Forward-TSN-Supported */
/* read-only */
#define SCTP_STATUS 0x00000100
#define SCTP_GET_PEER_ADDR_INFO 0x00000101
#define SCTP_GET_ASSOC_NUMBER 0x00000104
#define SCTP_GET_ASSOC_ID_LIST 0x00000105

/* ------------------------------------------------------------------ */
/* Option structures                                                   */
/* ------------------------------------------------------------------ */

struct sctp_initmsg {
	uint16_t sinit_num_ostreams;
	uint16_t sinit_max_instreams;
	uint16_t sinit_max_attempts;
	uint16_t sinit_max_init_timeo; /* milliseconds */
};

struct sctp_rtoinfo {
	sctp_assoc_t srto_assoc_id;
	uint32_t srto_initial; /* milliseconds; 0: leave unchanged */
	uint32_t srto_max;
	uint32_t srto_min;
};

struct sctp_assocparams {
	sctp_assoc_t sasoc_assoc_id;
	uint32_t sasoc_peer_rwnd;
	uint32_t sasoc_local_rwnd;
	uint32_t sasoc_cookie_life; /* milliseconds */
	uint16_t sasoc_asocmaxrxt;
	uint16_t sasoc_number_peer_destinations;
};

struct sctp_setprim {
	struct sockaddr_storage ssp_addr;
	sctp_assoc_t ssp_assoc_id;
	uint8_t ssp_padding[4];
};

struct sctp_setadaptation {
	uint32_t ssb_adaptation_ind;
};

/* spp_flags */
#define SPP_HB_ENABLE 0x00000001
#define SPP_HB_DISABLE 0x00000002
#define SPP_HB_DEMAND 0x00000004
#define SPP_PMTUD_ENABLE 0x00000008
#define SPP_PMTUD_DISABLE 0x00000010
#define SPP_HB_TIME_IS_ZERO 0x00000080
#define SPP_IPV6_FLOWLABEL 0x00000100
#define SPP_DSCP 0x00000200

struct sctp_paddrparams {
	struct sockaddr_storage spp_address;
	sctp_assoc_t spp_assoc_id;
	uint32_t spp_hbinterval; /* milliseconds */
	uint32_t spp_pathmtu;
	uint32_t spp_flags;
	uint32_t spp_ipv6_flowlabel;
	uint16_t spp_pathmaxrxt;
	uint8_t spp_dscp;
};

struct sctp_sndrcvinfo {
	uint16_t sinfo_stream;
	uint16_t sinfo_ssn;
	uint16_t sinfo_flags;
	uint32_t sinfo_ppid;
	uint32_t sinfo_context;
	uint32_t sinfo_timetolive;
	uint32_t sinfo_tsn;
	uint32_t sinfo_cumtsn;
	sctp_assoc_t sinfo_assoc_id;
	uint16_t sinfo_keynumber;
	uint16_t sinfo_keynumber_valid;
};

/* RFC 6458 5.3.4 */
struct sctp_sndinfo {
	uint16_t snd_sid;
	uint16_t snd_flags;
	uint32_t snd_ppid;
	uint32_t snd_context;
	sctp_assoc_t snd_assoc_id;
};

struct sctp_event_subscribe {
	uint8_t sctp_data_io_event;
	uint8_t sctp_association_event;
	uint8_t sctp_address_event;
	uint8_t sctp_send_failure_event;
	uint8_t sctp_peer_error_event;
	uint8_t sctp_shutdown_event;
	uint8_t sctp_partial_delivery_event;
	uint8_t sctp_adaptation_layer_event;
	uint8_t sctp_authentication_event;
	uint8_t sctp_sender_dry_event;
	uint8_t sctp_stream_reset_event;
};

struct sctp_event {
	sctp_assoc_t se_assoc_id;
	uint16_t se_type; /* a notification type below */
	uint8_t se_on;
};

struct sctp_assoc_value {
	sctp_assoc_t assoc_id;
	uint32_t assoc_value;
};

struct sctp_paddrinfo {
	struct sockaddr_storage spinfo_address;
	sctp_assoc_t spinfo_assoc_id;
	int32_t spinfo_state;
	uint32_t spinfo_cwnd;
	uint32_t spinfo_srtt;
	uint32_t spinfo_rto;
	uint32_t spinfo_mtu;
};

/* spinfo_state */
#define SCTP_ACTIVE 0x0001
#define SCTP_INACTIVE 0x0002
#define SCTP_UNCONFIRMED 0x0200

/* sstat_state, FreeBSD values */
#define SCTP_CLOSED 0x0000
#define SCTP_BOUND 0x1000
#define SCTP_LISTEN 0x2000
#define SCTP_COOKIE_WAIT 0x0002
#define SCTP_COOKIE_ECHOED 0x0003
#define SCTP_ESTABLISHED 0x0004
#define SCTP_SHUTDOWN_SENT 0x0005
#define SCTP_SHUTDOWN_RECEIVED 0x0006
#define SCTP_SHUTDOWN_ACK_SENT 0x0007
#define SCTP_SHUTDOWN_PENDING 0x0008

struct sctp_status {
	sctp_assoc_t sstat_assoc_id;
	int32_t sstat_state;
	uint32_t sstat_rwnd;
	uint16_t sstat_unackdata;
	uint16_t sstat_penddata;
	uint16_t sstat_instrms;
	uint16_t sstat_outstrms;
	uint32_t sstat_fragmentation_point;
	struct sctp_paddrinfo sstat_primary;
};

/* RFC 6951 / FreeBSD: the remote UDP encapsulation port of an association
 * or of one of its addresses (sue_port in network byte order; 0: default). */
struct sctp_udpencaps {
	struct sockaddr_storage sue_address;
	sctp_assoc_t sue_assoc_id;
	uint16_t sue_port;
};

/* ------------------------------------------------------------------ */
/* Notifications (read with sctp_recvmsg, MSG_NOTIFICATION set)         */
/* ------------------------------------------------------------------ */
#define SCTP_ASSOC_CHANGE 0x0001
#define SCTP_PEER_ADDR_CHANGE 0x0002
#define SCTP_REMOTE_ERROR 0x0003
#define SCTP_SEND_FAILED 0x0004
#define SCTP_SHUTDOWN_EVENT 0x0005
#define SCTP_ADAPTATION_INDICATION 0x0006
#define SCTP_PARTIAL_DELIVERY_EVENT 0x0007
#define SCTP_AUTHENTICATION_EVENT 0x0008
#define SCTP_STREAM_RESET_EVENT 0x0009
#define SCTP_SENDER_DRY_EVENT 0x000a
#define SCTP_NOTIFICATIONS_STOPPED_EVENT 0x000b
#define SCTP_ASSOC_RESET_EVENT 0x000c
#define SCTP_STREAM_CHANGE_EVENT 0x000d
#define SCTP_SEND_FAILED_EVENT 0x000e

struct sctp_tlv {
	uint16_t sn_type;
	uint16_t sn_flags;
	uint32_t sn_length;
};

/* sac_state */
#define SCTP_COMM_UP 0x0001
#define SCTP_COMM_LOST 0x0002
#define SCTP_RESTART 0x0003
#define SCTP_SHUTDOWN_COMP 0x0004
#define SCTP_CANT_STR_ASSOC 0x0005
/* sac_info[] features */
#define SCTP_ASSOC_SUPPORTS_PR 0x01
#define SCTP_ASSOC_SUPPORTS_AUTH 0x02
#define SCTP_ASSOC_SUPPORTS_ASCONF 0x03
#define SCTP_ASSOC_SUPPORTS_MULTIBUF 0x04
#define SCTP_ASSOC_SUPPORTS_RE_CONFIG 0x05
#define SCTP_ASSOC_SUPPORTS_INTERLEAVING 0x06

struct sctp_assoc_change {
	uint16_t sac_type;
	uint16_t sac_flags;
	uint32_t sac_length;
	uint16_t sac_state;
	uint16_t sac_error;
	uint16_t sac_outbound_streams;
	uint16_t sac_inbound_streams;
	sctp_assoc_t sac_assoc_id;
	uint8_t sac_info[]; /* COMM_UP/RESTART: features; COMM_LOST/CANT_START: ABORT chunk causes */
};

/* spc_state */
#define SCTP_ADDR_AVAILABLE 0x0001
#define SCTP_ADDR_UNREACHABLE 0x0002
#define SCTP_ADDR_REMOVED 0x0003
#define SCTP_ADDR_ADDED 0x0004
#define SCTP_ADDR_MADE_PRIM 0x0005
#define SCTP_ADDR_CONFIRMED 0x0006

struct sctp_paddr_change {
	uint16_t spc_type;
	uint16_t spc_flags;
	uint32_t spc_length;
	struct sockaddr_storage spc_aaddr;
	uint32_t spc_state;
	uint32_t spc_error;
	sctp_assoc_t spc_assoc_id;
	uint8_t spc_padding[4];
};

struct sctp_remote_error {
	uint16_t sre_type;
	uint16_t sre_flags;
	uint32_t sre_length;
	uint16_t sre_error;
	sctp_assoc_t sre_assoc_id;
	uint8_t sre_data[]; /* the ERROR chunk's causes */
};

/* ssf_flags / ssfe_flags */
#define SCTP_DATA_UNSENT 0x0001
#define SCTP_DATA_SENT 0x0002

/* The older form (SCTP_SEND_FAILED), kept as FreeBSD does. */
struct sctp_send_failed {
	uint16_t ssf_type;
	uint16_t ssf_flags;
	uint32_t ssf_length;
	uint32_t ssf_error;
	struct sctp_sndrcvinfo ssf_info;
	sctp_assoc_t ssf_assoc_id;
	uint8_t ssf_data[];
};

/* RFC 6458 6.1.11 (SCTP_SEND_FAILED_EVENT) */
struct sctp_send_failed_event {
	uint16_t ssfe_type;
	uint16_t ssfe_flags;
	uint32_t ssfe_length;
	uint32_t ssfe_error;
	struct sctp_sndinfo ssfe_info;
	sctp_assoc_t ssfe_assoc_id;
	uint8_t ssfe_data[];
};

struct sctp_shutdown_event {
	uint16_t sse_type;
	uint16_t sse_flags;
	uint32_t sse_length;
	sctp_assoc_t sse_assoc_id;
};

struct sctp_adaptation_event {
	uint16_t sai_type;
	uint16_t sai_flags;
	uint32_t sai_length;
	uint32_t sai_adaptation_ind;
	sctp_assoc_t sai_assoc_id;
};

/* pdapi_indication */
#define SCTP_PARTIAL_DELIVERY_ABORTED 0x0001

struct sctp_pdapi_event {
	uint16_t pdapi_type;
	uint16_t pdapi_flags;
	uint32_t pdapi_length;
	uint32_t pdapi_indication;
	uint32_t pdapi_stream;
	uint32_t pdapi_seq;
	sctp_assoc_t pdapi_assoc_id;
};

struct sctp_sender_dry_event {
	uint16_t sender_dry_type;
	uint16_t sender_dry_flags;
	uint32_t sender_dry_length;
	sctp_assoc_t sender_dry_assoc_id;
};

union sctp_notification {
	struct sctp_tlv sn_header;
	struct sctp_assoc_change sn_assoc_change;
	struct sctp_paddr_change sn_paddr_change;
	struct sctp_remote_error sn_remote_error;
	struct sctp_send_failed sn_send_failed;
	struct sctp_shutdown_event sn_shutdown_event;
	struct sctp_adaptation_event sn_adaptation_event;
	struct sctp_pdapi_event sn_pdapi_event;
	struct sctp_sender_dry_event sn_sender_dry_event;
	struct sctp_send_failed_event sn_send_failed_event;
};

/* ------------------------------------------------------------------ */
/* Calls                                                               */
/* ------------------------------------------------------------------ */

/* sctp_bindx flags */
#define SCTP_BINDX_ADD_ADDR 0x00008001
#define SCTP_BINDX_REM_ADDR 0x00008002

/* type: SOCK_STREAM (one-to-one) or SOCK_SEQPACKET (one-to-many);
 * protocol: IPPROTO_SCTP (or 0). Returns a file descriptor. */
int usctp_socket(int domain, int type, int protocol);
int usctp_bind(int sd, const struct sockaddr *addr, socklen_t addrlen);
int sctp_bindx(int sd, struct sockaddr *addrs, int addrcnt, int flags);
int usctp_listen(int sd, int backlog);
int usctp_accept(int sd, struct sockaddr *addr, socklen_t *addrlen);
int usctp_connect(int sd, const struct sockaddr *addr, socklen_t addrlen);
int sctp_connectx(int sd, const struct sockaddr *addrs, int addrcnt, sctp_assoc_t *id);
/* how: SHUT_RD, SHUT_WR (graceful SHUTDOWN) or SHUT_RDWR. */
int usctp_shutdown(int sd, int how);
/* Graceful close; abortive with SO_LINGER { 1, 0 }. */
int usctp_close(int sd);
/* The socket's own address (plain getsockname on a usctp descriptor names
 * the library's internal AF_UNIX pair): the first bound address, or for a
 * wildcard-bound one-to-one association the address it sends from; the
 * wildcard of its family with port 0 before bind. *addrlen in: room, out:
 * the full size (the address is cut to the room, as getsockname does). */
int usctp_getsockname(int sd, struct sockaddr *addr, socklen_t *addrlen);
/* The peer's primary address of a one-to-one socket's association;
 * ENOTCONN when there is none (and on one-to-many sockets: sctp_getpaddrs). */
int usctp_getpeername(int sd, struct sockaddr *addr, socklen_t *addrlen);
int usctp_setsockopt(int sd, int level, int optname, const void *optval, socklen_t optlen);
int usctp_getsockopt(int sd, int level, int optname, void *optval, socklen_t *optlen);
/* getsockopt where *arg carries an association id in (RFC 6458 9.7). */
int sctp_opt_info(int sd, sctp_assoc_t id, int opt, void *arg, socklen_t *size);

ssize_t sctp_sendmsg(int sd, const void *msg, size_t len, const struct sockaddr *to, socklen_t tolen,
		     uint32_t ppid, uint32_t flags, uint16_t stream_no, uint32_t timetolive,
		     uint32_t context);
ssize_t sctp_send(int sd, const void *msg, size_t len, const struct sctp_sndrcvinfo *sinfo, int flags);
ssize_t sctp_sendx(int sd, const void *msg, size_t len, struct sockaddr *addrs, int addrcnt,
		   const struct sctp_sndrcvinfo *sinfo, int flags);
/* *msg_flags gets MSG_NOTIFICATION for a notification and MSG_EOR on the
 * last piece of a message (a message larger than len comes in pieces). */
ssize_t sctp_recvmsg(int sd, void *msg, size_t len, struct sockaddr *from, socklen_t *fromlen,
		     struct sctp_sndrcvinfo *sinfo, int *msg_flags);

/* Branch an association of a one-to-many socket off into a new one-to-one socket. */
int sctp_peeloff(int sd, sctp_assoc_t id);

/* Addresses: *addrs is a packed array of sockaddr_in / sockaddr_in6; free with the matching call. */
int sctp_getpaddrs(int sd, sctp_assoc_t id, struct sockaddr **addrs);
void sctp_freepaddrs(struct sockaddr *addrs);
int sctp_getladdrs(int sd, sctp_assoc_t id, struct sockaddr **addrs);
void sctp_freeladdrs(struct sockaddr *addrs);

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */
/* ------------------------------------------------------------------ */

/*
 * Packet capture: write every SCTP packet sent and received from now on to
 * a pcap file at path, as raw IPv4/IPv6 packets of protocol 132 (the SCTP
 * packet taken out of its UDP datagram) with the real addresses, so
 * Wireshark and tshark dissect it as SCTP with no options. The environment
 * variable USCTP_PCAP=path does the same from the runtime's start. One
 * capture at a time: EBUSY if one is open. Returns 0 or -1 and errno.
 */
int usctp_pcap_open(const char *path);
/* Stop the capture (the file is complete at every moment). */
void usctp_pcap_close(void);

/*
 * Log level on stderr (overrides USCTP_DEBUG): 0 off, 1 errors, 2 also
 * state changes and association events, 3 also one line per packet.
 */
void usctp_debug_level(int level);

/* Counters and path state of one association (usctp_stats). */
struct usctp_stats {
	sctp_assoc_t assoc_id;
	int32_t state; /* SCTP_ESTABLISHED... as sstat_state */
	uint64_t pkts_in, pkts_out, pkts_dropped;
	uint64_t bad_checksum, bad_vtag, malformed;
	uint64_t data_chunks_in, data_chunks_out, dup_tsns_in;
	uint64_t msgs_in, msgs_out, bytes_in, bytes_out; /* user messages and their bytes */
	uint64_t retransmits;	   /* DATA chunks sent again, all causes */
	uint64_t fast_retransmits; /* of which by fast retransmit */
	uint64_t t3_timeouts, t1_timeouts;
	uint64_t sacks_in, sacks_out, abandoned; /* abandoned: PR-SCTP */
	/* the primary path */
	uint32_t srtt_ms, rttvar_ms, rto_ms;
	uint32_t cwnd, ssthresh, flight, mtu;
	uint32_t peer_rwnd, local_rwnd, queued_bytes;
	uint16_t instreams, outstreams;
	uint32_t num_paths;
	/* times a path fell back to its base packet size after losing large
	 * packets to a T3 timeout (docs/design.md, "Path MTU") */
	uint64_t pmtu_fallbacks;
};
/*
 * Fill *st for association id of sd (one-to-one sockets: id is ignored).
 * Returns 0, or -1 with errno EBADF / ENOTSOCK, ENOENT (no such
 * association, or it is gone), EINVAL (st NULL).
 */
int usctp_stats(int sd, sctp_assoc_t id, struct usctp_stats *st);

#ifdef __cplusplus
}
#endif

#endif
