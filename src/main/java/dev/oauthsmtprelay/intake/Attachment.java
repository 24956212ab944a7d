package dev.oauthsmtprelay.intake;

/** A file to attach, already loaded and checked. */
record Attachment(String filename, String contentType, byte[] content) {
}
