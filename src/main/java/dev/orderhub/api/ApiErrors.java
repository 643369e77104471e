package dev.orderhub.api;

import dev.orderhub.security.NoKeyNeeded;
import dev.orderhub.inventory.StockInputException;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.fulfilment.Fulfilments;
import dev.orderhub.order.IllegalTransitionException;
import dev.orderhub.order.InvalidOrderException;
import dev.orderhub.order.InvalidShipmentException;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.privacy.Redaction;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.CamelExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error the API answers has the shape {@code {"error", "detail"}} and never a stack
 * trace: 400 invalid input, 404 unknown resource, 405 wrong method, 409 illegal transition,
 * 413 body too large, 415 wrong content type, 503 when the database or broker is down.
 */
@RestControllerAdvice
@RestController
public class ApiErrors implements ErrorController {

    /** Failures are logged with classes and stack frames but no messages: a database error quotes the row. */
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ApiError> api(ApiException e) {
        return answer(e.status(), e.error(), e.getMessage());
    }

    @ExceptionHandler(InvalidOrderException.class)
    ResponseEntity<ApiError> invalidOrder(InvalidOrderException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_order", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ApiError> invalidArgument(IllegalArgumentException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_input", e.getMessage());
    }

    @ExceptionHandler(Fulfilments.FulfilmentRefusedException.class)
    ResponseEntity<ApiError> fulfilmentRefused(Fulfilments.FulfilmentRefusedException e) {
        return answer(HttpStatus.CONFLICT, "fulfilment_refused", e.getMessage());
    }

    @ExceptionHandler(InvalidShipmentException.class)
    ResponseEntity<ApiError> shipmentRefused(InvalidShipmentException e) {
        return answer(HttpStatus.CONFLICT, "shipment_refused", e.getMessage());
    }

    @ExceptionHandler(dev.orderhub.carrier.Labels.LabelRefusedException.class)
    ResponseEntity<ApiError> labelRefused(dev.orderhub.carrier.Labels.LabelRefusedException e) {
        return answer(HttpStatus.UNPROCESSABLE_ENTITY, "label_refused", e.getMessage());
    }

    @ExceptionHandler(dev.orderhub.carrier.Labels.LabelInProgressException.class)
    ResponseEntity<ApiError> labelInProgress(dev.orderhub.carrier.Labels.LabelInProgressException e) {
        return answer(HttpStatus.CONFLICT, "label_in_progress", e.getMessage());
    }

    @ExceptionHandler(dev.orderhub.carrier.Labels.CarrierUnavailableException.class)
    ResponseEntity<ApiError> carrierUnavailable(dev.orderhub.carrier.Labels.CarrierUnavailableException e) {
        long seconds = Math.max(1, (e.after().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                .header("Retry-After", Long.toString(seconds)).body(new ApiError("carrier_unavailable", e.getMessage()));
    }

    @ExceptionHandler(dev.orderhub.order.HoldStillNeededException.class)
    ResponseEntity<ApiError> holdStillNeeded(dev.orderhub.order.HoldStillNeededException e) {
        return answer(HttpStatus.CONFLICT, "hold_still_needed", e.getMessage());
    }

    @ExceptionHandler(IllegalTransitionException.class)
    ResponseEntity<ApiError> illegalTransition(IllegalTransitionException e) {
        return answer(HttpStatus.CONFLICT, "illegal_transition", e.getMessage());
    }

    @ExceptionHandler({OrderNotFoundException.class, ExceptionStore.ExceptionNotFoundException.class})
    ResponseEntity<ApiError> notFound(RuntimeException e) {
        return answer(HttpStatus.NOT_FOUND, "not_found", e.getMessage());
    }

    @ExceptionHandler({StockInputException.class, ExceptionStore.ExceptionStateException.class})
    ResponseEntity<ApiError> conflict(RuntimeException e) {
        return answer(HttpStatus.CONFLICT, "conflict", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiError> noSuchPath(NoResourceFoundException e) {
        return answer(HttpStatus.NOT_FOUND, "not_found", "no resource at /" + e.getResourcePath());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
        return answer(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                e.getMethod() + " is not allowed here; allowed: " + String.join(", ", e.getSupportedMethods() == null
                        ? new String[0] : e.getSupportedMethods()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return answer(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Content-Type " + (e.getContentType() == null ? "(none)" : e.getContentType())
                        + " is not accepted; send " + e.getSupportedMediaTypes());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return answer(HttpStatus.NOT_ACCEPTABLE, "not_acceptable", "responses are application/json");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> argument(MethodArgumentTypeMismatchException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_parameter", e.getName() + ": \"" + e.getValue() + "\" is not a valid "
                + (e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName()));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_parameter", e.getParameterName() + ": is required");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_json", "body: not valid JSON");
    }

    /** The database is away (restart, failover): the caller should retry; nothing was stored half. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ApiError> database(RuntimeException e) {
        LOG.error("database failure answering a request", Redaction.redacted(e));
        return answer(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable", "the hub's database did not answer; retry later");
    }

    @ExceptionHandler(CamelExecutionException.class)
    ResponseEntity<ApiError> broker(CamelExecutionException e) {
        LOG.error("intake queue send failed", Redaction.redacted(e));
        return answer(HttpStatus.SERVICE_UNAVAILABLE, "broker_unavailable",
                "the order was not accepted: the intake queue did not acknowledge it; retry later");
    }

    /** The firewall checks headers when they are read: a control character in X-Actor lands here. */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    ResponseEntity<ApiError> rejected(org.springframework.security.web.firewall.RequestRejectedException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_request", dev.orderhub.security.Refusals.firewallDetail(e));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e) {
        LOG.error("unexpected failure answering a request", Redaction.redacted(e));
        return answer(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "the hub failed to answer; see its log");
    }

    /** Errors raised outside the controllers (servlet container, filters) land here. */
    @NoKeyNeeded("the error page of a request that was already refused or failed")
    @RequestMapping("/error")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null) {
            return answer(HttpStatus.NOT_FOUND, "not_found", "no resource at /error");
        }
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
                ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
        return answer(status, status.name().toLowerCase(), status.getReasonPhrase());
    }

    private static ResponseEntity<ApiError> answer(HttpStatus status, String error, String detail) {
        // Explicit: an error is JSON whatever the Accept header asked for (406 had an empty body).
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ApiError(error, detail));
    }
}
