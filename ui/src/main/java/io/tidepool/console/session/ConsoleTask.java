package io.tidepool.console.session;

import io.tidepool.console.client.Errors;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A long operation as the operator sees it (STYLE 11): title, progress, a message, cancellable,
 * and a result. Wraps the future of a client call; every property changes on the ui executor,
 * so views bind to it directly and ViewModel tests read it without an FX thread.
 *
 * @param <T> the result
 */
public final class ConsoleTask<T> {

    /** Lifecycle of a task. */
    public enum State { RUNNING, SUCCEEDED, FAILED, CANCELLED }

    private final String title;
    private final CompletableFuture<T> work;
    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.RUNNING);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(-1);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    private final Function<T, String> describeResult;

    private ConsoleTask(String title, String startMessage, CompletableFuture<T> work, Executor ui,
                        Function<T, String> describeResult) {
        this.title = Objects.requireNonNull(title, "title");
        this.work = work;
        this.describeResult = describeResult;
        message.set(startMessage);
        work.whenComplete((value, failure) -> ui.execute(() -> finish(value, failure)));
    }

    /** Starts tracking {@code work}; progress stays indeterminate until it ends. */
    public static <T> ConsoleTask<T> track(String title, String startMessage, CompletableFuture<T> work, Executor ui) {
        return new ConsoleTask<>(title, startMessage, work, ui, value -> "done");
    }

    /** Like {@link #track(String, String, CompletableFuture, Executor)}; the message ends as {@code describeResult} says. */
    public static <T> ConsoleTask<T> track(String title, String startMessage, CompletableFuture<T> work, Executor ui,
                                           Function<T, String> describeResult) {
        return new ConsoleTask<>(title, startMessage, work, ui, describeResult);
    }

    private void finish(T value, Throwable failure) {
        if (state.get() != State.RUNNING) {
            return;
        }
        progress.set(1);
        if (failure == null) {
            message.set(describeResult.apply(value));
            state.set(State.SUCCEEDED);
            outcome.complete(value);
        } else if (Errors.unwrap(failure) instanceof CancellationException) {
            state.set(State.CANCELLED);
            message.set("cancelled; a request already sent may still be carried out");
            outcome.cancel(false);
        } else {
            state.set(State.FAILED);
            message.set(Errors.describe(failure));
            outcome.completeExceptionally(Errors.unwrap(failure));
        }
    }

    /** Stops waiting for the work. Has no effect once the task ended. */
    public void cancel() {
        work.cancel(false);
    }

    public String title() {
        return title;
    }

    /** Completes on the ui executor after the state properties were set. */
    public CompletableFuture<T> outcome() {
        return outcome;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** -1 while indeterminate, then 0..1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** What is going on, or why it failed (messages only, no stack trace). */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }
}
