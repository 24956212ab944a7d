/**
 * Delivery receipts for JMS producers that asked for one (JMSReplyTo, or relay.jms.receipts): one JSON receipt per
 * input message when it was delivered, partly delivered or became a dead letter, put on the relay's durable receipts
 * queue in the same step that finishes the message. Reads no keys; the receipts route sends them on.
 */
package dev.oauthsmtprelay.delivery.receipt;
