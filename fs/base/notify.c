#include "base/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"

int notify_send(const char *state)
{
	const char *where = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	size_t n;
	int fd, rc = 0;

	if (!where || !*where)
		return 0;
	n = strlen(where);
	/* systemd also speaks vsock ("vsock:CID:PORT") to a VM's host; a
	 * mount has no use for that, and sun_path bounds the rest. */
	if ((where[0] != '/' && where[0] != '@') || n >= sizeof(sa.sun_path)) {
		rc = -EAFNOSUPPORT;
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, where, n);
	/* '@' names an abstract socket: a leading NUL, and the length
	 * without a terminating one (it would be part of the name). */
	if (where[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			  (where[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (const struct sockaddr *)&sa, len) < 0)
		rc = -errno;
	close(fd);
out:
	if (rc)
		log_error("NOTIFY_SOCKET=%s: cannot send %s: %s", where, state,
			  strerror(-rc));
	return rc;
}
