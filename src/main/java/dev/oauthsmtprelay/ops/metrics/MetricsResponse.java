package dev.oauthsmtprelay.ops.metrics;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** The Prometheus scrape body for {@code /metrics}. */
public final class MetricsResponse implements Processor {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(RelayMetrics.of(exchange).scrape());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, CONTENT_TYPE);
    }
}
