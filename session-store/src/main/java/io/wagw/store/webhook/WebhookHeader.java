package io.wagw.store.webhook;

/** A custom HTTP header sent with every delivery of a webhook. */
public record WebhookHeader(String name, String value) {}
