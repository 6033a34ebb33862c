/*
 * usctp wire: IP address values (struct usctp_ipaddr): equality and the
 * classes the protocol rules need (unspecified, loopback, unicast). One
 * place for them, used by the core and the sockets alike.
 */
#include <string.h>

#include "wire.h"

static size_t ip_len(const struct usctp_ipaddr *ip)
{
	return ip->family == 6 ? 16 : 4;
}

bool usctp_ip_eq(const struct usctp_ipaddr *a, const struct usctp_ipaddr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, ip_len(a)) == 0;
}

bool usctp_ip_is_any(const struct usctp_ipaddr *ip)
{
	static const uint8_t zero[16];
	return memcmp(ip->bytes, zero, ip_len(ip)) == 0;
}

bool usctp_ip_is_loopback(const struct usctp_ipaddr *ip)
{
	static const uint8_t lo6[16] = {[15] = 1};
	if (ip->family == 4)
		return ip->bytes[0] == 127;
	return memcmp(ip->bytes, lo6, 16) == 0;
}

bool usctp_ip_is_unicast(const struct usctp_ipaddr *ip)
{
	if (ip->family != 4 && ip->family != 6)
		return false;
	if (usctp_ip_is_any(ip))
		return false;
	if (ip->family == 6)
		return ip->bytes[0] != 0xff; /* ff00::/8 */
	if ((ip->bytes[0] & 0xf0) == 0xe0) /* 224.0.0.0/4 */
		return false;
	return !(ip->bytes[0] == 255 && ip->bytes[1] == 255 && ip->bytes[2] == 255 && ip->bytes[3] == 255);
}
