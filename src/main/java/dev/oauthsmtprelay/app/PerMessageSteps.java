package dev.oauthsmtprelay.app;

import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

import dev.oauthsmtprelay.delivery.DeliveryHistory;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.receipt.DeliveryReceipts;
import dev.oauthsmtprelay.intake.spool.SpoolIntakeProblems;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;

/**
 * The bookkeeping steps every message takes, bound as processors for the route files. A {@code bean:} step with a
 * method name makes Camel choose the method and bind its arguments again for each exchange: 2.9 % of the relay's
 * CPU samples under load, against 0.7 % as processors (bench/README.md, "Bean steps as processors"). The beans stay
 * bound under their own names for steps that run rarely, and for an operator's route files.
 */
final class PerMessageSteps {

    private PerMessageSteps() {
    }

    /** Binds the steps; call once the beans they use are bound. */
    static void bind(Registry beans) {
        RelayMetrics metrics = beans.lookupByNameAndType(RelayMetrics.BEAN, RelayMetrics.class);
        DeliveryHistory history = beans.lookupByNameAndType(DeliveryHistory.BEAN, DeliveryHistory.class);
        DailyQuota quota = beans.lookupByNameAndType(DailyQuota.BEAN, DailyQuota.class);
        DeliveryReceipts receipts = beans.lookupByNameAndType(DeliveryReceipts.BEAN, DeliveryReceipts.class);
        SpoolIntakeProblems spool = beans.lookupByNameAndType(SpoolIntakeProblems.BEAN, SpoolIntakeProblems.class);
        beans.bind("relayCountDelivered", (Processor) metrics::delivered);
        beans.bind("relayHistoryFinished", (Processor) history::finished);
        beans.bind("relayQuotaDelivered", (Processor) quota::delivered);
        beans.bind("relayReceiptAfterDelivery", (Processor) receipts::afterDelivery);
        beans.bind("relayCountSpoolReceived", (Processor) exchange -> metrics.received("spool"));
        beans.bind("relayCountSmtpReceived", (Processor) exchange -> metrics.received("smtp"));
        beans.bind("relayCountJmsReceived", (Processor) exchange -> metrics.received("jms"));
        beans.bind("relaySpoolQueued", (Processor) exchange -> spool.queued());
    }
}
