package io.tidepool.config;

/** The value type of a configuration parameter; decides how its text is parsed and printed. */
public enum ParameterType {
    /** {@code on/off/true/false/yes/no/1/0}, any case. */
    BOOL,
    /** A whole number, optionally with a unit when the parameter has one ({@code 30s}, {@code 64MB}). */
    INT,
    /** A decimal number ({@code backend_weight}). */
    REAL,
    /** Free text. */
    STRING,
    /** One word out of a fixed set, any case. */
    ENUM,
    /** Text holding several items split by a separator ({@code ,} or {@code ;}). */
    LIST
}
