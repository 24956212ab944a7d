package dev.oauthsmtprelay.app;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.quartz.SchedulerConfigException;
import org.quartz.spi.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's worker threads without Quartz's polling: an idle {@code SimpleThreadPool} worker wakes every 500 ms to
 * look for work, 240 wake-ups a minute for two workers on a relay whose jobs run once a minute or a few times a day.
 * Here a job gets a thread from a JDK executor, which blocks until there is work and lets an idle thread end.
 * Quartz creates this class by name ({@code org.quartz.threadPool.class}) and sets {@code threadCount}.
 */
public final class QuartzJobThreads implements ThreadPool {

    private static final Logger LOG = LoggerFactory.getLogger(QuartzJobThreads.class);
    private static final long IDLE_THREAD_KEEP_SECONDS = 120; // past the once-a-minute jobs, so a thread is reused
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    private int threadCount = 1;
    private String instanceName = "quartz";
    private Semaphore free;
    private ThreadPoolExecutor executor;

    public void setThreadCount(int threadCount) {
        this.threadCount = threadCount;
    }

    @Override
    public void initialize() throws SchedulerConfigException {
        if (threadCount < 1) {
            throw new SchedulerConfigException("Quartz needs at least one job thread, not " + threadCount);
        }
        free = new Semaphore(threadCount);
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        AtomicInteger number = new AtomicInteger();
        executor = new ThreadPoolExecutor(threadCount, threadCount, IDLE_THREAD_KEEP_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, instanceName + "-job-" + number.incrementAndGet());
                    thread.setContextClassLoader(contextLoader); // as SimpleThreadPool's workers get it
                    thread.setDaemon(true); // the relay stops its jobs; a job thread never keeps the JVM alive
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Blocks until a thread is free, as Quartz expects; false once the pool is shut down. */
    @Override
    public boolean runInThread(Runnable job) {
        if (job == null || executor.isShutdown()) {
            return false;
        }
        try {
            free.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            executor.execute(() -> {
                try {
                    job.run();
                } finally {
                    free.release();
                }
            });
            return true;
        } catch (RuntimeException rejected) { // shut down meanwhile
            free.release();
            return false;
        }
    }

    @Override
    public int blockForAvailableThreads() {
        try {
            free.acquire();
            free.release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return free.availablePermits();
    }

    @Override
    public void shutdown(boolean waitForJobsToComplete) {
        if (executor == null) {
            return;
        }
        if (!waitForJobsToComplete) {
            executor.shutdownNow();
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("A scheduled job (retention, digest or the status page's sample) still ran {} s after the "
                        + "relay began to stop; it is interrupted.", SHUTDOWN_WAIT_SECONDS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int getPoolSize() {
        return threadCount;
    }

    @Override
    public void setInstanceId(String instanceId) {
        // the instance name is enough to tell the threads apart
    }

    @Override
    public void setInstanceName(String instanceName) {
        this.instanceName = instanceName;
    }
}
