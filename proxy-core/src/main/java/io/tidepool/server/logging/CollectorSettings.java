package io.tidepool.server.logging;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;

/**
 * The file side of the logging collector ({@code logging_collector = on}).
 *
 * @param directory {@code log_directory}
 * @param filename {@code log_filename}, a strftime pattern
 * @param rotationAge {@code log_rotation_age}; zero disables time-based rotation
 * @param rotationSizeBytes {@code log_rotation_size} in bytes; zero disables size-based rotation
 * @param truncateOnRotation {@code log_truncate_on_rotation}: a time-based rotation onto an existing
 *     file of another name overwrites it instead of appending (how a week of
 *     {@code pgpool-%a.log} files recycles itself)
 * @param fileMode {@code log_file_mode}, applied to files the collector creates
 */
public record CollectorSettings(
        Path directory,
        StrftimeFormat filename,
        Duration rotationAge,
        long rotationSizeBytes,
        boolean truncateOnRotation,
        Set<PosixFilePermission> fileMode) {

    public CollectorSettings {
        fileMode = Set.copyOf(fileMode);
        if (rotationAge.isNegative() || rotationSizeBytes < 0) {
            throw new IllegalArgumentException("rotation age and size must not be negative");
        }
    }
}
