package io.traittrace.audit.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * The route streams (server-sent events), so its response head is written before the stream produces anything:
 * the {@code {id}} audit is looked up first, by {@link KnownAuditFilter}, and an unknown one is a plain 404.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface KnownAudit {
}
