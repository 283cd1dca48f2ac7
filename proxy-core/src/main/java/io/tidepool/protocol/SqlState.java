package io.tidepool.protocol;

/**
 * The SQLSTATE codes Tidepool itself raises (PostgreSQL documentation, appendix A "PostgreSQL
 * Error Codes"). Errors relayed from a backend keep the backend's code as text; this enum is
 * only for the errors the proxy originates.
 */
public enum SqlState {
    /** 08000 connection_exception. */
    CONNECTION_EXCEPTION("08000"),
    /** 08006 connection_failure: a backend could not be reached or vanished. */
    CONNECTION_FAILURE("08006"),
    /** 08P01 protocol_violation: a peer sent bytes that are not the v3 protocol. */
    PROTOCOL_VIOLATION("08P01"),
    /** 0A000 feature_not_supported. */
    FEATURE_NOT_SUPPORTED("0A000"),
    /** 28000 invalid_authorization_specification. */
    INVALID_AUTHORIZATION_SPECIFICATION("28000"),
    /** 28P01 invalid_password: every password failure, whether or not the user exists. */
    INVALID_PASSWORD("28P01"),
    /** 22023 invalid_parameter_value: a PGPOOL SET value the parameter does not accept. */
    INVALID_PARAMETER_VALUE("22023"),
    /** 42704 undefined_object: an unknown parameter in PGPOOL SHOW/SET. */
    UNDEFINED_OBJECT("42704"),
    /** 55P02 cant_change_runtime_param: PGPOOL SET of a parameter that is not per session. */
    CANT_CHANGE_RUNTIME_PARAM("55P02"),
    /** 53300 too_many_connections. */
    TOO_MANY_CONNECTIONS("53300"),
    /** 57014 query_canceled. */
    QUERY_CANCELED("57014"),
    /** 57P01 admin_shutdown: the proxy is stopping in fast mode. */
    ADMIN_SHUTDOWN("57P01"),
    /** 57P05 idle_session_timeout: client_idle_limit passed. */
    IDLE_SESSION_TIMEOUT("57P05"),
    /** 57P03 cannot_connect_now. */
    CANNOT_CONNECT_NOW("57P03"),
    /** XX000 internal_error: a bug in Tidepool. */
    INTERNAL_ERROR("XX000");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    /** The five-character code sent in the {@code C} field. */
    public String code() {
        return code;
    }

    /** The constant for a code; empty for codes Tidepool does not raise itself. */
    public static java.util.Optional<SqlState> ofCode(String code) {
        for (SqlState state : values()) {
            if (state.code.equals(code)) {
                return java.util.Optional.of(state);
            }
        }
        return java.util.Optional.empty();
    }
}
