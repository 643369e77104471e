package dev.orderhub.api;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slow clients cannot take the hub's worker threads. A worker reading a body blocks until the
 * client sends; 200 clients trickling a byte now and then would hold every worker and the
 * hub (health included) would stop answering. So:
 * <ul>
 * <li>at most {@code orderhub.api.max-concurrent-body-reads} requests read a body at once: a
 * read beyond that is refused at once with 503 {@code busy} and {@code Retry-After} (never
 * waited for), so the other workers stay free for everything else;</li>
 * <li>a body must be read whole within {@code orderhub.api.body-read-timeout} of the request's
 * start (408 {@code body_timeout} after that); the import endpoint allows longer;</li>
 * <li>a single stalled read ends after {@code server.tomcat.connection-timeout}.</li>
 * </ul>
 * A permit is held only while the body is read, not while the request is worked on.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BodyReadLimits extends OncePerRequestFilter {

    private static final String ATTRIBUTE = BodyReadLimits.class.getName();

    private final Semaphore readers;
    private final int maxReaders;
    private final Duration timeout;

    public BodyReadLimits(@Value("${orderhub.api.max-concurrent-body-reads:64}") int maxReaders,
                          @Value("${orderhub.api.body-read-timeout:10s}") Duration timeout) {
        this.readers = new Semaphore(maxReaders);
        this.maxReaders = maxReaders;
        this.timeout = timeout;
    }

    /** Gives this request's body a longer (or shorter) deadline, counted from the request's start: for large uploads. */
    public static void deadline(HttpServletRequest request, Duration timeout) {
        if (request.getAttribute(ATTRIBUTE) instanceof GuardedBody body) {
            body.deadline = body.started + timeout.toNanos();
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null) {
            // No body (a GET, or Content-Length 0): reading it ends at once and needs no permit.
            chain.doFilter(request, response);
            return;
        }
        GuardedBody body = new GuardedBody(request, response, System.nanoTime());
        request.setAttribute(ATTRIBUTE, body);
        try {
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public ServletInputStream getInputStream() {
                    return body;
                }
            }, response);
        } finally {
            body.release();
        }
    }

    /** The request's body, read under the deadline and with a reader's permit. */
    private final class GuardedBody extends ServletInputStream {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final long started;
        private long deadline;
        private ServletInputStream in;
        private boolean permit;
        private boolean finished;

        GuardedBody(HttpServletRequest request, HttpServletResponse response, long started) {
            this.request = request;
            this.response = response;
            this.started = started;
            this.deadline = started + timeout.toNanos();
        }

        private ServletInputStream open() throws IOException {
            if (System.nanoTime() - deadline > 0) {
                release();
                throw new ApiException(HttpStatus.REQUEST_TIMEOUT, "body_timeout", "body: not received within "
                        + Duration.ofNanos(deadline - started).toSeconds() + " s; send it at once, or retry");
            }
            if (!permit && !finished) {
                if (!readers.tryAcquire()) {
                    response.setHeader("Retry-After", "1");
                    throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "busy", "the hub is reading " + maxReaders
                            + " request bodies already; retry in a second");
                }
                permit = true;
                in = request.getInputStream();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (finished) {
                return -1;
            }
            int n;
            try {
                n = open().read(bytes, offset, length);
            } catch (IOException e) {
                release();
                if (timedOut(e)) {
                    throw new ApiException(HttpStatus.REQUEST_TIMEOUT, "body_timeout", "body: the client stopped sending");
                }
                throw e;
            }
            if (n == -1) {
                finished = true;
                release();
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("request bodies are read blocking, under a deadline");
        }

        @Override
        public void close() throws IOException {
            release();
            if (in != null) {
                in.close();
            }
        }

        void release() {
            if (permit) {
                permit = false;
                readers.release();
            }
        }

        private static boolean timedOut(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SocketTimeoutException) {
                    return true;
                }
            }
            return false;
        }
    }
}
