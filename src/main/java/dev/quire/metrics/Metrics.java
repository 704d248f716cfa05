package dev.quire.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployment's meter registry, with the JVM's own meters (memory, GC, threads, classes, CPU, file
 * descriptors, uptime) bound to it. One per running Quire, so two deployments in one container count apart;
 * closing it detaches the GC listeners, which would otherwise keep an undeployed application in memory.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();

    public Metrics() {
        // promtool's lint refuses two of Micrometer's names: a unit abbreviation (process_cpu_time_ns_total, which
        // process_cpu_usage covers) and a gauge ending in _count, which Prometheus keeps for histograms
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
                    }
                });
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmHeapPressureMetrics(),
                new JvmThreadMetrics(), new ClassLoaderMetrics(), new JvmInfoMetrics(), new ProcessorMetrics(),
                new FileDescriptorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
            if (binder instanceof AutoCloseable closeable) {
                binders.add(closeable);
            }
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text exposition format (version 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // Micrometer's binders detach listeners and throw nothing; the rest still has to be closed
                registry.close();
                throw new IllegalStateException("Cannot stop the JVM meters", e);
            }
        }
        registry.close();
    }
}
