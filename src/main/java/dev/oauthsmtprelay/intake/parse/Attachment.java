package dev.oauthsmtprelay.intake.parse;

/** A file to attach, already loaded and checked. */
record Attachment(String filename, String contentType, byte[] content) {
}
