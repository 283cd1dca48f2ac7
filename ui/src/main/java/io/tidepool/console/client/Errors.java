package io.tidepool.console.client;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns exception chains into one line an operator can read: messages only, no stack traces. */
public final class Errors {

    private Errors() {
    }

    /** Strips the wrappers futures add around the real failure. */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /**
     * The messages of the chain, outermost first, joined by ": ", each said once (wrappers often
     * repeat their cause's message). A message-less throwable contributes its simple class name.
     */
    public static String describe(Throwable t) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable cur = unwrap(t); cur != null && parts.size() < 6; cur = cur.getCause()) {
            if (cur instanceof CompletionException || cur instanceof ExecutionException) {
                continue;
            }
            String m = cur.getMessage();
            String part = m == null || m.isBlank() ? cur.getClass().getSimpleName() : m.strip();
            if (parts.stream().noneMatch(p -> p.contains(part))) {
                parts.add(part);
            }
            if (cur.getCause() == cur) {
                break;
            }
        }
        return String.join(": ", parts);
    }
}
