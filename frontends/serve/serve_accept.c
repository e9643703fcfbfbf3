/* The server's listening socket, ours rather than libmicrohttpd's: connections wait
 * here for their first byte, and are handed to the daemon only when it has room for them
 * (make_room below), on plain HTTP and on TLS alike. On plain HTTP, besides:
 *
 * docker, skopeo and podman try TLS first on a registry port and fall back to http when
 * the answer is an HTTP response. libmicrohttpd 0.9.75 answers such a ClientHello with
 * a 400, except when the hello's bytes hold a line feed (about 1 handshake in 8): then it
 * closes without a word, and docker's CLI fails with EOF instead of falling back. So the
 * connections are accepted here, and each waits in a thread of its own for its first
 * byte: 0x16 (a TLS handshake record) is answered 400 from here, anything else goes to
 * libmicrohttpd unread. A thread per connection is libmicrohttpd's model here anyway. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lazy_mhd.h"
#include "serve_int.h"

/* connections waiting for their first byte, at most: as many as the daemon takes. Past
 * it the one waiting longest is closed, so that clients which connect and say nothing
 * cannot keep everyone else out for the idle timeout (they did: every new connection was
 * closed unanswered while 1024 silent ones waited their 60 s). */
#define WAITING_MAX SERVE_CONNS_MAX

struct waiting {
	int fd;                      /* the accepted connection */
	struct sockaddr_storage sa;  /* its peer */
	socklen_t len;               /* sa's length */
	int cut;                     /* shut down to make room */
	struct waiting *prev, *next; /* the waiting list, oldest first */
};

static pthread_mutex_t waiting_lock = PTHREAD_MUTEX_INITIALIZER;
static struct waiting *waiting_head, *waiting_tail;

static int listen_fd = -1;
static int stop_fd = -1;               /* an eventfd, readable once stopping */
static struct MHD_Daemon *daemon_mhd;  /* where connections go */
static unsigned wait_ms;               /* how long a connection may stay silent */
static pthread_t acceptor;
static atomic_int nwaiting;

/* Under waiting_lock. The fd stays open until its thread unlinks it, so shutting one down
 * here never reaches another connection. */
static void waiting_unlink(struct waiting *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		waiting_head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		waiting_tail = w->prev;
}

static void waiting_evict_oldest(void)
{
	pthread_mutex_lock(&waiting_lock);
	for (struct waiting *w = waiting_head; w; w = w->next)
		if (!w->cut) {
			w->cut = 1;
			shutdown(w->fd, SHUT_RDWR); /* its poll wakes: it sees no byte and closes */
			break;
		}
	pthread_mutex_unlock(&waiting_lock);
}

/* What a client past the connection cap is told, rather than a bare close: every
 * connection is serving a request (an idle or slow one is closed to make room first). */
static void answer_full(int fd)
{
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
				  "Retry-After: 1\r\nContent-Length: 56\r\nConnection: close\r\n\r\n"
				  "ecrlite serve: all 1024 connections are serving requests\n";
	char buf[16384];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) /* as answer_tls: no reset first */
		;
	if (send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) > 0)
		shutdown(fd, SHUT_WR);
}

/* Room for one more connection in the daemon, under admit_lock: the connection waiting
 * longest for a request is closed when all are taken, and its slot awaited (MHD frees it
 * once the connection's thread has ended); 0 when there is none to close or it does not
 * free. Admissions go one at a time so that the count cannot overshoot: libmicrohttpd
 * 0.9.75 refusing a connection at its own limit ("Server reached connection limit")
 * deadlocked every connection thread on one of its mutexes (1100 connections at once:
 * 1088 threads stuck, the stop never ended). */
static pthread_mutex_t admit_lock = PTHREAD_MUTEX_INITIALIZER;

static int room(void)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(daemon_mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return serve_conns() < SERVE_CONNS_MAX && (!i || i->num_connections < SERVE_CONNS_MAX + 32);
}

static int make_room(void)
{
	if (room())
		return 1;
	if (!serve_conns_evict())
		return 0;
	for (int i = 0; i < 200; i++) { /* 2 s at most */
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		if (room())
			return 1;
	}
	return 0;
}

int serve_accept_listen(const struct sockaddr_storage *ss)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)); /* as libmicrohttpd binds */
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, SOMAXCONN)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return listen_fd = fd;
}

int serve_accept_port(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (listen_fd < 0 || getsockname(listen_fd, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* The answer a TLS client understands as "this is http": it then retries with http. */
static void answer_tls(int fd)
{
	static const char msg[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
				  "Content-Length: 41\r\nConnection: close\r\n\r\n"
				  "This port speaks HTTP, not HTTPS (TLS).\n";
	char buf[16384];
	/* the hello is read first: closing over unread bytes would send a reset, which can
	 * reach the client before the answer does */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	if (send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) > 0)
		shutdown(fd, SHUT_WR);
	if (!serve_config()->quiet)
		fprintf(stderr, "ecrlite serve: a TLS handshake on this plain-HTTP port: answered 400 (clients then use http)\n");
}

static void *wait_first_byte(void *p)
{
	struct waiting *w = p;
	struct pollfd pf[2] = {{w->fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
	unsigned char c;
	int n;
	while ((n = poll(pf, 2, (int)wait_ms)) < 0 && errno == EINTR)
		;
	int ok = n > 0 && !(pf[1].revents & POLLIN) && recv(w->fd, &c, 1, MSG_PEEK) == 1;
	pthread_mutex_lock(&waiting_lock);
	waiting_unlink(w);
	pthread_mutex_unlock(&waiting_lock);
	if (ok) {
		if (c == 0x16 && !serve_config()->tls) {
			answer_tls(w->fd);
			close(w->fd);
		} else {
			pthread_mutex_lock(&admit_lock);
			if (!make_room()) {
				pthread_mutex_unlock(&admit_lock);
				if (!serve_config()->tls) /* a TLS client could not read it: closed */
					answer_full(w->fd);
				close(w->fd);
			} else {
				/* libmicrohttpd closes the socket itself when it refuses it; its limit is
				 * above ours. The daemon's thread starts (and counts) the connection a
				 * moment after this returns: the next admission waits for that, so
				 * that it sees the count with this one in it */
				unsigned long before = serve_conns_started();
				if (MHD_add_connection(daemon_mhd, w->fd, (struct sockaddr *)&w->sa, w->len) == MHD_YES)
					serve_conns_wait_started(before, 200);
				pthread_mutex_unlock(&admit_lock);
			}
		}
	} else {
		close(w->fd); /* silent past the idle timeout, gone, cut, or the server is stopping */
	}
	free(w);
	atomic_fetch_sub(&nwaiting, 1);
	return NULL;
}

static void *accept_loop(void *unused)
{
	pthread_attr_t attr;
	(void)unused;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024); /* it only polls and peeks */
	for (;;) {
		struct waiting *w = malloc(sizeof(*w));
		if (!w) {
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
			continue;
		}
		w->len = sizeof(w->sa);
		w->fd = accept4(listen_fd, (struct sockaddr *)&w->sa, &w->len, SOCK_CLOEXEC);
		if (w->fd < 0) {
			int e = errno;
			free(w);
			if (e == EINTR || e == ECONNABORTED)
				continue;
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) { /* wait for some to close */
				nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
				continue;
			}
			break; /* the socket was shut down: stopping */
		}
		pthread_t t;
		if (atomic_load(&nwaiting) >= WAITING_MAX)
			waiting_evict_oldest(); /* this one waits instead; the count may pass the cap
						   until the evicted thread has gone, by a few */
		w->cut = 0;
		w->next = NULL;
		pthread_mutex_lock(&waiting_lock);
		w->prev = waiting_tail;
		if (waiting_tail)
			waiting_tail->next = w;
		else
			waiting_head = w;
		waiting_tail = w;
		pthread_mutex_unlock(&waiting_lock);
		atomic_fetch_add(&nwaiting, 1);
		if (pthread_create(&t, &attr, wait_first_byte, w)) {
			pthread_mutex_lock(&waiting_lock);
			waiting_unlink(w);
			pthread_mutex_unlock(&waiting_lock);
			atomic_fetch_sub(&nwaiting, 1);
			close(w->fd);
			free(w);
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

int serve_accept_start(struct MHD_Daemon *d, unsigned idle_seconds)
{
	daemon_mhd = d;
	wait_ms = idle_seconds ? idle_seconds * 1000 : 60 * 1000;
	if ((stop_fd = eventfd(0, EFD_CLOEXEC)) < 0)
		return -1;
	if (pthread_create(&acceptor, NULL, accept_loop, NULL)) {
		close(stop_fd);
		stop_fd = -1;
		return -1;
	}
	return 0;
}

void serve_accept_stop(void)
{
	if (listen_fd < 0)
		return;
	shutdown(listen_fd, SHUT_RDWR); /* accept() returns: the loop ends */
	if (stop_fd >= 0) {
		pthread_join(acceptor, NULL);
		uint64_t one = 1;
		if (write(stop_fd, &one, sizeof(one)) < 0) {
			/* an eventfd write fails only on overflow: it is readable then too */
		}
		/* the waiting threads see stop_fd readable and close their connections */
		for (int i = 0; i < 5000 && atomic_load(&nwaiting); i++)
			nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	close(listen_fd);
	listen_fd = -1;
}
