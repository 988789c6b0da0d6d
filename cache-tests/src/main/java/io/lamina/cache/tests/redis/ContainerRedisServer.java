package io.lamina.cache.tests.redis;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis container ({@link RedisSource#TESTCONTAINERS}). Its port is bound to a fixed host port picked
 * free at creation, so a kill and start of the same container keeps the address. Testcontainers' Ryuk
 * removes the container even if this JVM dies.
 */
final class ContainerRedisServer implements OwnedRedisServer {

    private static final System.Logger LOG = System.getLogger(ContainerRedisServer.class.getName());
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

    private final GenericContainer<?> container;
    private final String image;
    private final Duration startTimeout;
    private final int port;

    // guarded by this
    private boolean closed;

    private ContainerRedisServer(String image, Duration startTimeout, int port) {
        this.image = image;
        this.startTimeout = startTimeout;
        this.port = port;
        this.container = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand("redis-server", "--save", "", "--appendonly", "no")
                .withStartupTimeout(startTimeout);
        container.setPortBindings(List.of(port + ":6379"));
    }

    static ContainerRedisServer start(String image, Duration startTimeout) {
        long began = System.nanoTime();
        ContainerRedisServer server = new ContainerRedisServer(image, startTimeout, RedisProcess.freeLoopbackPort());
        Reaper.register(server);
        try {
            server.container.start();
            server.awaitPong();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, () -> "Started " + server + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
        return server;
    }

    @Override
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public RedisSource source() {
        return RedisSource.TESTCONTAINERS;
    }

    @Override
    public boolean isOwned() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return Resp.ping(host(), port, PING_TIMEOUT);
    }

    @Override
    public synchronized void stop() {
        if (isContainerRunning()) {
            docker().killContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public synchronized void stopGracefully() {
        if (isContainerRunning()) {
            docker().stopContainerCmd(container.getContainerId()).withTimeout(5).exec();
        }
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " was closed and cannot be started again");
        }
        if (!isContainerRunning()) {
            docker().startContainerCmd(container.getContainerId()).exec();
            awaitPong();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            container.stop();
        } finally {
            Reaper.unregister(this);
        }
    }

    private boolean isContainerRunning() {
        String id = container.getContainerId();
        return id != null && Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getRunning());
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!Resp.ping(host(), port, PING_TIMEOUT)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("container " + image + " did not answer PING on " + host() + ":" + port
                        + " within " + startTimeout.toMillis() + " ms\n--- container log ---\n" + container.getLogs());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for container " + image, e);
            }
        }
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @Override
    public String toString() {
        return "RedisServer[TESTCONTAINERS " + image + ", port " + port + ", owned]";
    }
}
