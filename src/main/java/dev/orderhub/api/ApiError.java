package dev.orderhub.api;

/** The one error shape of the API: a short code and what was wrong, and where. */
public record ApiError(String error, String detail) {
}
