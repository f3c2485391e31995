/* Tells systemd how the mount is doing: the sd_notify(3) protocol,
 * without libsystemd.
 *
 * A unit of Type=notify (coolifyfs@.service) counts as started only when
 * the service says so: systemd puts the address of an AF_UNIX datagram
 * socket in NOTIFY_SOCKET, and the service sends "READY=1" there once it
 * serves and "STOPPING=1" as it shuts down. The protocol is one datagram
 * of text per message, so a few lines of socket() and sendto() do.
 * Outside systemd NOTIFY_SOCKET is unset and nothing is sent.
 *
 * Thread-safe: each call opens and closes its own socket, and only reads
 * the environment. */
#ifndef CFS_NOTIFY_H
#define CFS_NOTIFY_H

/* Sends state (e.g. "READY=1") to $NOTIFY_SOCKET, a path or, starting
 * with '@', a name in the abstract namespace. Returns 0 when it was sent
 * or there is no NOTIFY_SOCKET, else a negative errno after logging one
 * line; the caller goes on either way (a mount that cannot say it is
 * ready still serves). */
int notify_send(const char *state);

#endif
