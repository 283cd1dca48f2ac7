package io.tidepool.console.client;

import java.util.Objects;

/** Whether an action can be offered for a node right now, and if not, why. */
public sealed interface ActionAvailability {

    Available AVAILABLE = new Available();

    static ActionAvailability available() {
        return AVAILABLE;
    }

    static ActionAvailability notAvailable(String reason) {
        return new NotAvailable(reason);
    }

    default boolean isAvailable() {
        return this instanceof Available;
    }

    /** The action can be requested. */
    record Available() implements ActionAvailability {
    }

    /** The action cannot be requested; {@code reason} is shown to the operator as is. */
    record NotAvailable(String reason) implements ActionAvailability {
        public NotAvailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
