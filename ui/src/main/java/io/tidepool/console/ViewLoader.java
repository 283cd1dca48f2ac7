package io.tidepool.console;

import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loads FXML views whose controllers take their ViewModel in the constructor (the composition
 * root registers how to make each controller). Views are resources beside their controller.
 */
public final class ViewLoader {

    /** A loaded view: its root node and controller. */
    public record Loaded<C>(Parent root, C controller) {
    }

    private final Map<Class<?>, Supplier<?>> controllers = new HashMap<>();

    public <C> ViewLoader register(Class<C> type, Supplier<? extends C> factory) {
        controllers.put(type, factory);
        return this;
    }

    /** Loads {@code type}'s view from {@code <SimpleName>.fxml} beside the class. */
    public <C> Loaded<C> load(Class<C> type) {
        URL fxml = type.getResource(type.getSimpleName() + ".fxml");
        if (fxml == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + ".fxml beside " + type.getName());
        }
        FXMLLoader loader = new FXMLLoader(fxml);
        loader.setControllerFactory(this::controller);
        try {
            Parent root = loader.load();
            return new Loaded<>(root, type.cast(loader.getController()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + fxml + ": " + e.getMessage(), e);
        }
    }

    /** Loads {@code type}'s view with a controller made by the caller (for per-dialog ViewModels). */
    public <C> Loaded<C> loadWith(Class<C> type, C controller) {
        ViewLoader single = new ViewLoader();
        single.controllers.putAll(controllers);
        single.controllers.put(type, () -> controller);
        return single.load(type);
    }

    private Object controller(Class<?> type) {
        Supplier<?> factory = controllers.get(type);
        if (factory == null) {
            throw new IllegalStateException("no controller factory registered for " + type.getName());
        }
        return factory.get();
    }
}
