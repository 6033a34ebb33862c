/* Conversions between sockaddrs and the core's addresses. */
#include <arpa/inet.h>
#include <string.h>

#include "sock.h"

int usctp_addr_from_sa(const struct sockaddr *sa, socklen_t len, struct usctp_addr *out, uint16_t *sctp_port)
{
	if (!sa || len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET) {
		if (len < (socklen_t)sizeof(struct sockaddr_in))
			return -EINVAL;
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		out->ip.family = 4;
		memcpy(out->ip.bytes, &s4->sin_addr, 4);
		*sctp_port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		if (len < (socklen_t)sizeof(struct sockaddr_in6))
			return -EINVAL;
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			out->ip.family = 4;
			memcpy(out->ip.bytes, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			out->ip.family = 6;
			memcpy(out->ip.bytes, &s6->sin6_addr, 16);
		}
		*sctp_port = ntohs(s6->sin6_port);
	} else {
		return -EAFNOSUPPORT;
	}
	out->udp_port = USCTP_DEFAULT_UDP_PORT;
	return 0;
}

socklen_t usctp_addr_to_sa(const struct usctp_addr *a, uint16_t sctp_port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->ip.family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(sctp_port);
		memcpy(&s6->sin6_addr, a->ip.bytes, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(sctp_port);
	memcpy(&s4->sin_addr, a->ip.bytes, 4);
	return sizeof(*s4);
}

void usctp_addr_to_udp(const struct usctp_addr *a, struct sockaddr_storage *ss)
{
	usctp_addr_to_sa(a, a->udp_port, ss);
}

void usctp_addr_from_udp(const struct sockaddr_storage *ss, struct usctp_addr *out)
{
	uint16_t port = 0;
	usctp_addr_from_sa((const struct sockaddr *)ss, sizeof(*ss), out, &port);
	out->udp_port = port;
}

size_t usctp_addr_sa_len(const struct usctp_ipaddr *ip)
{
	return ip->family == 6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void usctp_ip_to_src(const struct usctp_ipaddr *ip, struct usctp_srcaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (ip->family == 4) {
		out->family = AF_INET;
		memcpy(&out->u.v4, ip->bytes, 4);
	} else if (ip->family == 6) {
		out->family = AF_INET6;
		memcpy(&out->u.v6, ip->bytes, 16);
	} else {
		out->family = AF_UNSPEC;
	}
}

void usctp_ip_from_src(const struct usctp_srcaddr *in, struct usctp_ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (in->family == AF_INET) {
		out->family = 4;
		memcpy(out->bytes, &in->u.v4, 4);
	} else if (in->family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&in->u.v6)) {
			out->family = 4;
			memcpy(out->bytes, in->u.v6.s6_addr + 12, 4);
		} else {
			out->family = 6;
			memcpy(out->bytes, &in->u.v6, 16);
		}
	}
}

int usctp_addr_route_src(void *ctx, const struct usctp_ipaddr *dst, struct usctp_ipaddr *src)
{
	(void)ctx;
	struct usctp_addr d = {.ip = *dst, .udp_port = USCTP_DEFAULT_UDP_PORT};
	struct sockaddr_storage ss;
	usctp_addr_to_udp(&d, &ss);
	struct usctp_srcaddr s;
	int r = usctp_rt_route_src(&ss, &s);
	if (r < 0)
		return USCTP_ERR_NOT_FOUND;
	usctp_ip_from_src(&s, src);
	return 0;
}
